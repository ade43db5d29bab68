//! Enrolment: the server address and one-time code a supervisor gives (typed, or scanned
//! from a QR code `gridkeeper:enrol?server=…&code=…`). Enrolling talks to the server, so it is
//! an effect: the shell runs it on a background thread and hands back what came of it
//! (`Enrol::finished`).

use gridkeeper_core::sync::{Enrolment, SyncError};
use serde::Serialize;

use crate::effect::Effect;
use crate::lang::{Lang, field_message, sync_words, t};

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum EnrolEvent {
    Server(String),
    Code(String),
    /// The text of a scanned QR code.
    QrScanned(String),
    Submit,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct EnrolView {
    pub server: String,
    pub code: String,
    /// Under the server input.
    pub server_error: Option<String>,
    /// Under the code input.
    pub code_error: Option<String>,
    pub busy: bool,
    /// What went wrong, above the form.
    pub banner: Option<String>,
    /// The grids this phone now works in, once enrolled.
    pub grids: Vec<String>,
}

#[derive(Debug)]
pub struct Enrol {
    lang: Lang,
    view: EnrolView,
}

impl Enrol {
    pub fn new(lang: Lang) -> Enrol {
        Enrol {
            lang,
            view: EnrolView::default(),
        }
    }

    pub fn view(&self) -> &EnrolView {
        &self.view
    }

    pub fn update(&mut self, event: EnrolEvent) -> Vec<Effect> {
        let lang = self.lang;
        let v = &mut self.view;
        match event {
            EnrolEvent::Server(text) => {
                v.server = text.trim().to_string();
                v.server_error = None;
            }
            EnrolEvent::Code(text) => {
                v.code = text.trim().to_string();
                v.code_error = None;
            }
            EnrolEvent::QrScanned(text) => match parse_qr(&text) {
                Some((server, code)) => {
                    v.server = server;
                    v.code = code;
                    v.server_error = None;
                    v.code_error = None;
                    v.banner = None;
                    return self.submit();
                }
                None => v.banner = Some(t("enrol.qr_invalid", lang)),
            },
            EnrolEvent::Submit => return self.submit(),
        }
        Vec::new()
    }

    /// What came of `Effect::Enrol`, from the thread that ran it.
    pub fn finished(&mut self, outcome: Result<Enrolment, SyncError>) -> Vec<Effect> {
        let v = &mut self.view;
        v.busy = false;
        match outcome {
            Ok(enrolment) => {
                v.grids = enrolment.grids.clone();
                vec![Effect::Enrolled {
                    grids: enrolment.grids,
                }]
            }
            Err(e) => {
                v.banner = Some(sync_words(&e, self.lang));
                Vec::new()
            }
        }
    }

    fn submit(&mut self) -> Vec<Effect> {
        let lang = self.lang;
        let v = &mut self.view;
        if v.busy {
            return Vec::new();
        }
        let server_ok = v.server.starts_with("https://") || v.server.starts_with("http://");
        v.server_error = (!server_ok).then(|| field_message("server", "is required", lang));
        v.code_error = v
            .code
            .is_empty()
            .then(|| field_message("code", "is required", lang));
        if v.server_error.is_some() || v.code_error.is_some() {
            return Vec::new();
        }
        v.busy = true;
        v.banner = None;
        vec![Effect::Enrol {
            server: v.server.clone(),
            code: v.code.clone(),
        }]
    }
}

/// `gridkeeper:enrol?server=https%3A%2F%2F…&code=…` → (server, code).
fn parse_qr(text: &str) -> Option<(String, String)> {
    let query = text.trim().strip_prefix("gridkeeper:enrol?")?;
    let mut server = None;
    let mut code = None;
    for pair in query.split('&') {
        let (key, value) = pair.split_once('=')?;
        let value = percent_decode(value)?;
        match key {
            "server" => server = Some(value),
            "code" => code = Some(value),
            _ => {}
        }
    }
    Some((server?, code?))
}

fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
                out.push(u8::from_str_radix(hex, 16).ok()?);
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_codes_are_read_and_anything_else_is_refused() {
        assert_eq!(
            parse_qr("gridkeeper:enrol?server=https%3A%2F%2Fgrid.example.cn&code=K7P4-2QXM"),
            Some(("https://grid.example.cn".into(), "K7P4-2QXM".into()))
        );
        assert_eq!(parse_qr("https://example.com/?server=x&code=y"), None);
        assert_eq!(parse_qr("gridkeeper:enrol?server=https%3A"), None);
        assert_eq!(
            parse_qr("gridkeeper:enrol?server=%E4%B8&code=1"),
            None,
            "broken UTF-8"
        );
        assert_eq!(parse_qr("gridkeeper:enrol?server=%zz&code=1"), None);
    }
}
