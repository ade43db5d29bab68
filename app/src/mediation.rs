//! A mediation (矛盾调解): the parties, what happened, the sessions held, the result, the
//! agreement and each party's signature drawn on the phone. New parties get their id here so
//! a signature can name its party before the record is first saved; the draft keeps
//! everything typed until it is, and fields the form does not show (a party's household link,
//! follow-ups) are kept as they were.

use gridkeeper_core::ids::new_item_id;
use gridkeeper_core::kinds::Mediation as MediationRecord;
use gridkeeper_core::kinds::mediation::{
    DisputeType, MediationResult, Party, RiskLevel, Session, Signature,
};
use gridkeeper_core::{RecordId, Store};
use serde::{Deserialize, Serialize};

use crate::drafts::{self, Restored};
use crate::effect::Effect;
use crate::lang::{Lang, error_words, field_message, t, words_key};
use crate::times;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum MediationDispute {
    #[default]
    Neighbour,
    Family,
    Marriage,
    Labour,
    Property,
    Land,
    Other,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum MediationRisk {
    #[default]
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum MediationOutcome {
    Agreement,
    Partial,
    Failed,
    ReferredJudicialOffice,
    ReferredCourt,
    ReferredPolice,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MediationDisputeChoice {
    pub value: MediationDispute,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MediationRiskChoice {
    pub value: MediationRisk,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MediationOutcomeChoice {
    pub value: MediationOutcome,
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "ffi", derive(uniffi::Enum))]
pub enum MediationEvent {
    /// Shown, at the phone's time (Unix seconds): a new mediation opens today.
    Load {
        at: i64,
    },
    /// A typed field, by core's path: `narrative`, `agreement_text`, `opened_on`,
    /// `parties[0].name`, `parties[0].phone`, `sessions[0].date`, `sessions[0].outcome`.
    Field {
        path: String,
        value: String,
    },
    DisputeType(MediationDispute),
    Risk(MediationRisk),
    Result(Option<MediationOutcome>),
    AddParty,
    /// Also drops the party's signature.
    RemoveParty {
        index: u32,
    },
    AddSession,
    /// The 签名 button beside a party.
    AskSignature {
        party_id: String,
    },
    /// The answer to `Effect::AskSignature`: the PNG the party drew.
    Signed {
        party: String,
        path: String,
    },
    Save,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MediationParty {
    pub id: String,
    pub name: String,
    pub phone: String,
    pub signed: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MediationSessionLine {
    pub id: String,
    pub date: String,
    pub outcome: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MediationSignature {
    pub party_id: String,
    /// The attachment hash of the drawn signature.
    pub blob: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ffi", derive(uniffi::Record))]
pub struct MediationView {
    pub loading: bool,
    pub is_new: bool,
    pub dispute_type: MediationDispute,
    pub dispute_label: String,
    pub risk_level: MediationRisk,
    pub risk_label: String,
    pub opened_on: String,
    pub narrative: String,
    pub parties: Vec<MediationParty>,
    pub sessions: Vec<MediationSessionLine>,
    pub result: Option<MediationOutcome>,
    pub result_label: Option<String>,
    pub agreement_text: String,
    pub signatures: Vec<MediationSignature>,
    /// What the pickers offer, in the worker's words.
    pub dispute_choices: Vec<MediationDisputeChoice>,
    pub risk_choices: Vec<MediationRiskChoice>,
    pub result_choices: Vec<MediationOutcomeChoice>,
    /// The form was filled from a draft left when the app was last closed.
    pub restored_draft: bool,
    /// Once saved: the record.
    pub saved_id: Option<String>,
    pub error: Option<String>,
    /// Core's field path (`parties[0].name`, `agreement_text`), to show the error under it.
    pub error_field: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct PartyForm {
    id: String,
    name: String,
    phone: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct SessionForm {
    id: String,
    date: String,
    outcome: String,
}

/// What the worker has typed, kept as the draft.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
struct MediationForm {
    dispute_type: MediationDispute,
    risk_level: MediationRisk,
    opened_on: String,
    narrative: String,
    parties: Vec<PartyForm>,
    sessions: Vec<SessionForm>,
    result: Option<MediationOutcome>,
    agreement_text: String,
    /// (party id, blob hash), in the order signed.
    signatures: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct Mediation {
    grid: String,
    id: Option<RecordId>,
    lang: Lang,
    today: String,
    form: MediationForm,
    original: Option<MediationRecord>,
    view: MediationView,
}

const FORM: &str = "mediation";

impl Mediation {
    /// `id`: the mediation to edit; `None` for a new one.
    pub fn new(grid: String, id: Option<RecordId>, lang: Lang) -> Mediation {
        Mediation {
            grid,
            id,
            lang,
            today: String::new(),
            form: MediationForm::default(),
            original: None,
            view: MediationView {
                loading: true,
                ..MediationView::default()
            },
        }
    }

    pub fn view(&self) -> &MediationView {
        &self.view
    }

    fn key(&self) -> String {
        match self.id {
            Some(id) => format!("{FORM}:{id}"),
            None => format!("{FORM}:new"),
        }
    }

    pub fn update(&mut self, store: &mut Store, event: MediationEvent) -> Vec<Effect> {
        let f = &mut self.form;
        let touched: Option<String> = match event {
            MediationEvent::Load { at } => {
                self.today = times::china_date(at);
                self.load(store);
                return Vec::new();
            }
            MediationEvent::Field { path, value } => {
                set_field(f, &path, value);
                Some(path)
            }
            MediationEvent::DisputeType(d) => {
                f.dispute_type = d;
                Some("dispute_type".into())
            }
            MediationEvent::Risk(r) => {
                f.risk_level = r;
                Some("risk_level".into())
            }
            MediationEvent::Result(r) => {
                f.result = r;
                Some("result".into())
            }
            MediationEvent::AddParty => {
                f.parties.push(PartyForm {
                    id: new_item_id(),
                    ..PartyForm::default()
                });
                Some("parties".into())
            }
            MediationEvent::RemoveParty { index } => {
                let index = index as usize;
                if index < f.parties.len() {
                    let gone = f.parties.remove(index);
                    f.signatures.retain(|(p, _)| *p != gone.id);
                }
                Some("parties".into())
            }
            MediationEvent::AddSession => {
                f.sessions.push(SessionForm {
                    date: self.today.clone(),
                    ..SessionForm::default()
                });
                Some("sessions".into())
            }
            MediationEvent::AskSignature { party_id } => {
                return vec![Effect::AskSignature { party: party_id }];
            }
            MediationEvent::Signed { party, path } => {
                match store.add_blob_file(&path, Some("image/png")) {
                    Ok(r) => {
                        f.signatures.retain(|(p, _)| *p != party);
                        f.signatures.push((party, r.hash));
                        Some("signatures".into())
                    }
                    Err(e) => {
                        self.view.error = Some(error_words(&e, self.lang));
                        self.view.error_field = None;
                        return Vec::new();
                    }
                }
            }
            MediationEvent::Save => return self.save(store),
        };
        if let Some(path) = touched {
            if self.view.error_field.as_deref() == Some(path.as_str()) {
                self.view.error = None;
                self.view.error_field = None;
            }
            self.save_draft(store);
        }
        self.show();
        Vec::new()
    }

    fn load(&mut self, store: &mut Store) {
        let lang = self.lang;
        self.original = None;
        if let Some(id) = self.id {
            match store.get::<MediationRecord>(id) {
                Ok(r) => self.original = Some(r.data),
                Err(e) => {
                    self.view.loading = false;
                    self.view.error = Some(error_words(&e, lang));
                    return;
                }
            }
        }
        let base = match &self.original {
            Some(m) => from_record(m),
            None => MediationForm {
                opened_on: self.today.clone(),
                parties: vec![PartyForm {
                    id: new_item_id(),
                    ..PartyForm::default()
                }],
                ..MediationForm::default()
            },
        };
        let mut restored = false;
        let mut note = None;
        // An unreadable draft or a failed read: the worker starts from the record.
        self.form = match drafts::restore::<MediationForm>(store, &self.key(), lang) {
            Restored::Form(form) => {
                restored = true;
                form
            }
            Restored::Unreadable => {
                note = Some(t("mediation.draft_unreadable", lang));
                base
            }
            Restored::Nothing => base,
            Restored::Failed(words) => {
                note = Some(words);
                base
            }
        };
        self.view.error = note;
        self.view.error_field = None;
        self.show();
        self.view.restored_draft = restored;
    }

    fn save_draft(&mut self, store: &mut Store) {
        // Strings, lists and unit enums: writing them as JSON does not fail.
        let Ok(json) = serde_json::to_string(&self.form) else {
            return;
        };
        let title = format!(
            "{} {}",
            t(
                &format!("dispute.{}", words_key(&self.form.dispute_type)),
                self.lang
            ),
            self.form.opened_on
        );
        let record = self.id.map(|i| i.to_string());
        if let Err(e) = store.keep_draft(&self.key(), FORM, record.as_deref(), &title, &json) {
            self.view.error = Some(error_words(&e, self.lang));
            self.view.error_field = None;
        }
    }

    fn save(&mut self, store: &mut Store) -> Vec<Effect> {
        let data = to_record(&self.form, self.original.as_ref());
        let key = self.key();
        let saved = match self.id {
            None => store.create(&self.grid, data),
            Some(id) => store
                .update::<MediationRecord>(id, |m| *m = data)
                .map(|_| id),
        };
        match saved {
            Ok(id) => {
                if let Err(e) = store.clear_draft(&key) {
                    self.view.error = Some(error_words(&e, self.lang));
                }
                self.id = Some(id);
                self.load(store);
                self.view.saved_id = Some(id.to_string());
                vec![Effect::RecordsChanged {
                    ids: vec![id.to_string()],
                }]
            }
            Err(e) => {
                self.show();
                if let gridkeeper_core::Error::Invalid(i) = &e {
                    self.view.error_field = Some(i.field.clone());
                    self.view.error = Some(mediation_field_message(&i.field, &i.reason, self.lang));
                } else {
                    self.view.error = Some(error_words(&e, self.lang));
                    self.view.error_field = None;
                }
                Vec::new()
            }
        }
    }

    /// The view from the form; errors are left as they are.
    fn show(&mut self) {
        let lang = self.lang;
        let f = &self.form;
        self.view = MediationView {
            loading: false,
            is_new: self.id.is_none(),
            dispute_type: f.dispute_type,
            dispute_label: t(&format!("dispute.{}", words_key(&f.dispute_type)), lang),
            risk_level: f.risk_level,
            risk_label: t(&format!("risk.{}", words_key(&f.risk_level)), lang),
            opened_on: f.opened_on.clone(),
            narrative: f.narrative.clone(),
            parties: f
                .parties
                .iter()
                .map(|p| MediationParty {
                    id: p.id.clone(),
                    name: p.name.clone(),
                    phone: p.phone.clone(),
                    signed: f.signatures.iter().any(|(s, _)| *s == p.id),
                })
                .collect(),
            sessions: f
                .sessions
                .iter()
                .map(|s| MediationSessionLine {
                    id: s.id.clone(),
                    date: s.date.clone(),
                    outcome: s.outcome.clone(),
                })
                .collect(),
            result: f.result,
            result_label: f
                .result
                .map(|r| t(&format!("result.{}", words_key(&r)), lang)),
            agreement_text: f.agreement_text.clone(),
            dispute_choices: {
                use MediationDispute::*;
                [Neighbour, Family, Marriage, Labour, Property, Land, Other]
                    .into_iter()
                    .map(|value| MediationDisputeChoice {
                        label: t(&format!("dispute.{}", words_key(&value)), lang),
                        value,
                    })
                    .collect()
            },
            risk_choices: [
                MediationRisk::Low,
                MediationRisk::Medium,
                MediationRisk::High,
            ]
            .into_iter()
            .map(|value| MediationRiskChoice {
                label: t(&format!("risk.{}", words_key(&value)), lang),
                value,
            })
            .collect(),
            result_choices: {
                use MediationOutcome::*;
                [
                    Agreement,
                    Partial,
                    Failed,
                    ReferredJudicialOffice,
                    ReferredCourt,
                    ReferredPolice,
                ]
                .into_iter()
                .map(|value| MediationOutcomeChoice {
                    label: t(&format!("result.{}", words_key(&value)), lang),
                    value,
                })
                .collect()
            },
            signatures: f
                .signatures
                .iter()
                .map(|(p, b)| MediationSignature {
                    party_id: p.clone(),
                    blob: b.clone(),
                })
                .collect(),
            restored_draft: self.view.restored_draft,
            saved_id: self.view.saved_id.clone(),
            error: self.view.error.clone(),
            error_field: self.view.error_field.clone(),
        };
    }
}

/// `parties[1].name` → ("parties", 1, "name").
fn indexed(path: &str) -> Option<(&str, usize, &str)> {
    let (list, rest) = path.split_once('[')?;
    let (index, field) = rest.split_once("].")?;
    Some((list, index.parse().ok()?, field))
}

fn set_field(f: &mut MediationForm, path: &str, value: String) {
    if let Some((list, i, field)) = indexed(path) {
        match list {
            "parties" => {
                while f.parties.len() <= i {
                    f.parties.push(PartyForm {
                        id: new_item_id(),
                        ..PartyForm::default()
                    });
                }
                let p = &mut f.parties[i];
                match field {
                    "name" => p.name = value,
                    "phone" => p.phone = value,
                    _ => {}
                }
            }
            "sessions" => {
                while f.sessions.len() <= i {
                    f.sessions.push(SessionForm::default());
                }
                let s = &mut f.sessions[i];
                match field {
                    "date" => s.date = value,
                    "outcome" => s.outcome = value,
                    _ => {}
                }
            }
            _ => {}
        }
        return;
    }
    match path {
        "opened_on" => f.opened_on = value,
        "narrative" => f.narrative = value,
        "agreement_text" => f.agreement_text = value,
        _ => {}
    }
}

fn from_record(m: &MediationRecord) -> MediationForm {
    MediationForm {
        dispute_type: dispute_of(m.dispute_type),
        risk_level: match m.risk_level {
            RiskLevel::Low => MediationRisk::Low,
            RiskLevel::Medium => MediationRisk::Medium,
            RiskLevel::High => MediationRisk::High,
        },
        opened_on: m.opened_on.clone(),
        narrative: m.narrative.clone(),
        parties: m
            .parties
            .iter()
            .map(|p| PartyForm {
                id: p.id.clone(),
                name: p.name.clone(),
                phone: p.phone.clone().unwrap_or_default(),
            })
            .collect(),
        sessions: m
            .sessions
            .iter()
            .map(|s| SessionForm {
                id: s.id.clone(),
                date: s.date.clone(),
                outcome: s.outcome.clone(),
            })
            .collect(),
        result: m.result.map(outcome_of),
        agreement_text: m.agreement_text.clone(),
        signatures: m
            .signatures
            .iter()
            .map(|s| (s.party_id.clone(), s.blob.clone()))
            .collect(),
    }
}

/// The record from the form, keeping what the form does not show from `before`.
fn to_record(f: &MediationForm, before: Option<&MediationRecord>) -> MediationRecord {
    let parties = f
        .parties
        .iter()
        .map(|p| {
            let old = before.and_then(|b| b.parties.iter().find(|o| o.id == p.id));
            Party {
                id: p.id.clone(),
                name: p.name.trim().to_string(),
                phone: Some(p.phone.trim().to_string()).filter(|s| !s.is_empty()),
                ..old.cloned().unwrap_or_default()
            }
        })
        .collect();
    let sessions = f
        .sessions
        .iter()
        .map(|s| {
            let old =
                before.and_then(|b| b.sessions.iter().find(|o| !s.id.is_empty() && o.id == s.id));
            Session {
                id: s.id.clone(),
                date: s.date.trim().to_string(),
                outcome: s.outcome.trim().to_string(),
                ..old.cloned().unwrap_or_default()
            }
        })
        .collect();
    MediationRecord {
        dispute_type: match f.dispute_type {
            MediationDispute::Neighbour => DisputeType::Neighbour,
            MediationDispute::Family => DisputeType::Family,
            MediationDispute::Marriage => DisputeType::Marriage,
            MediationDispute::Labour => DisputeType::Labour,
            MediationDispute::Property => DisputeType::Property,
            MediationDispute::Land => DisputeType::Land,
            MediationDispute::Other => DisputeType::Other,
        },
        parties,
        risk_level: match f.risk_level {
            MediationRisk::Low => RiskLevel::Low,
            MediationRisk::Medium => RiskLevel::Medium,
            MediationRisk::High => RiskLevel::High,
        },
        opened_on: f.opened_on.trim().to_string(),
        narrative: f.narrative.clone(),
        sessions,
        result: f.result.map(|r| match r {
            MediationOutcome::Agreement => MediationResult::Agreement,
            MediationOutcome::Partial => MediationResult::Partial,
            MediationOutcome::Failed => MediationResult::Failed,
            MediationOutcome::ReferredJudicialOffice => MediationResult::ReferredJudicialOffice,
            MediationOutcome::ReferredCourt => MediationResult::ReferredCourt,
            MediationOutcome::ReferredPolice => MediationResult::ReferredPolice,
        }),
        agreement_text: f.agreement_text.clone(),
        signatures: f
            .signatures
            .iter()
            .map(|(p, b)| Signature {
                party_id: p.clone(),
                blob: b.clone(),
            })
            .collect(),
        follow_ups: before.map(|b| b.follow_ups.clone()).unwrap_or_default(),
    }
}

fn dispute_of(d: DisputeType) -> MediationDispute {
    match d {
        DisputeType::Neighbour => MediationDispute::Neighbour,
        DisputeType::Family => MediationDispute::Family,
        DisputeType::Marriage => MediationDispute::Marriage,
        DisputeType::Labour => MediationDispute::Labour,
        DisputeType::Property => MediationDispute::Property,
        DisputeType::Land => MediationDispute::Land,
        DisputeType::Other => MediationDispute::Other,
    }
}

fn outcome_of(r: MediationResult) -> MediationOutcome {
    match r {
        MediationResult::Agreement => MediationOutcome::Agreement,
        MediationResult::Partial => MediationOutcome::Partial,
        MediationResult::Failed => MediationOutcome::Failed,
        MediationResult::ReferredJudicialOffice => MediationOutcome::ReferredJudicialOffice,
        MediationResult::ReferredCourt => MediationOutcome::ReferredCourt,
        MediationResult::ReferredPolice => MediationOutcome::ReferredPolice,
    }
}

/// The mediation form's own wording for the rules core states about it.
fn mediation_field_message(path: &str, reason: &str, lang: Lang) -> String {
    if reason.contains("when the result is an agreement") {
        return t("mediation.agreement_required", lang);
    }
    if reason.contains("not one of the parties") {
        return t("mediation.signature_unknown_party", lang);
    }
    field_message(path, reason, lang)
}
