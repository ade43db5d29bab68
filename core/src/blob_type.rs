//! Media-type sniffing for attachments. The type of a blob is decided by its first bytes, never
//! by a file name or by what the sender claims: a grid worker's phone accepts photos (JPEG, PNG,
//! WebP, HEIC) and PDF documents, and nothing else.

use std::fmt;

use serde::{Deserialize, Serialize};

/// The media types an attachment may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum MediaType {
    #[serde(rename = "image/jpeg")]
    Jpeg,
    #[serde(rename = "image/png")]
    Png,
    #[serde(rename = "image/webp")]
    Webp,
    #[serde(rename = "image/heic")]
    Heic,
    #[serde(rename = "application/pdf")]
    Pdf,
}

/// HEIF major brands (at offset 8, after the `ftyp` box header) accepted as HEIC photos.
const HEIC_BRANDS: [&[u8; 4]; 6] = [b"heic", b"heix", b"hevc", b"hevx", b"mif1", b"msf1"];

impl MediaType {
    pub const ALL: [MediaType; 5] = [
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Webp,
        MediaType::Heic,
        MediaType::Pdf,
    ];

    /// The canonical media type string, as stored and embedded in records.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Webp => "image/webp",
            MediaType::Heic => "image/heic",
            MediaType::Pdf => "application/pdf",
        }
    }

    /// Parses a media type string: case-insensitive, parameters (`; q=...`) ignored, and the
    /// common aliases `image/jpg`, `image/pjpeg` and `image/heif` accepted. `None` for any type
    /// that is not an accepted attachment type.
    pub fn parse(text: &str) -> Option<MediaType> {
        let essence = text
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase();
        match essence.as_str() {
            "image/jpeg" | "image/jpg" | "image/pjpeg" => Some(MediaType::Jpeg),
            "image/png" => Some(MediaType::Png),
            "image/webp" => Some(MediaType::Webp),
            "image/heic" | "image/heif" => Some(MediaType::Heic),
            "application/pdf" => Some(MediaType::Pdf),
            _ => None,
        }
    }

    /// Whether this is a photo (as opposed to a document).
    pub fn is_image(self) -> bool {
        !matches!(self, MediaType::Pdf)
    }
}

impl fmt::Display for MediaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The media type of `bytes` by their magic numbers, or `None` when they are not one of the
/// accepted types.
pub fn sniff(bytes: &[u8]) -> Option<MediaType> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(MediaType::Jpeg);
    }
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Some(MediaType::Png);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some(MediaType::Webp);
    }
    if bytes.len() >= 12
        && &bytes[4..8] == b"ftyp"
        && HEIC_BRANDS
            .iter()
            .any(|brand| &bytes[8..12] == brand.as_slice())
    {
        return Some(MediaType::Heic);
    }
    if bytes.starts_with(b"%PDF-") {
        return Some(MediaType::Pdf);
    }
    None
}

/// Whether a declared media type is consistent with the sniffed one. A generic
/// `application/octet-stream` (what many pickers send when they do not know) claims nothing
/// and so contradicts nothing; any other type must name the sniffed type (or an alias of it).
pub fn declared_matches(declared: &str, sniffed: MediaType) -> bool {
    let essence = declared.split(';').next().unwrap_or("").trim();
    essence.eq_ignore_ascii_case("application/octet-stream")
        || MediaType::parse(declared) == Some(sniffed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_each_type() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0]), Some(MediaType::Jpeg));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n"), Some(MediaType::Png));
        assert_eq!(sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(MediaType::Webp));
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Some(MediaType::Heic));
        assert_eq!(sniff(b"\0\0\0\x18ftypmif1\0\0\0\0"), Some(MediaType::Heic));
        assert_eq!(sniff(b"%PDF-1.4\n"), Some(MediaType::Pdf));
    }

    #[test]
    fn rejects_others() {
        assert_eq!(sniff(b""), None);
        assert_eq!(sniff(b"MZ\x90\0"), None);
        assert_eq!(sniff(b"hello"), None);
        assert_eq!(sniff(b"GIF89a"), None);
        assert_eq!(sniff(b"RIFF\x10\0\0\0WAVEfmt "), None);
        assert_eq!(sniff(b"\0\0\0\x18ftypavif\0\0\0\0"), None);
        assert_eq!(sniff(b"\0\0\0\x18ftypisom\0\0\0\0"), None);
        assert_eq!(sniff(b"\xFF\xD8"), None);
        assert_eq!(sniff(b"RIFF"), None);
    }

    #[test]
    fn parses_and_matches_declared_types() {
        for t in MediaType::ALL {
            assert_eq!(MediaType::parse(t.as_str()), Some(t));
        }
        assert_eq!(MediaType::parse("IMAGE/JPG"), Some(MediaType::Jpeg));
        assert_eq!(MediaType::parse("image/heif"), Some(MediaType::Heic));
        assert_eq!(MediaType::parse("text/plain"), None);
        assert!(declared_matches(
            "image/png; charset=binary",
            MediaType::Png
        ));
        assert!(declared_matches("application/octet-stream", MediaType::Pdf));
        assert!(!declared_matches("image/jpeg", MediaType::Png));
        assert!(!declared_matches("text/plain", MediaType::Pdf));
        assert!(!declared_matches("", MediaType::Pdf));
    }
}
