//! Attachments (photos, invoices, checklists, documents) kept by content hash.
//!
//! An upload is accepted only when its bytes are of an allowed type — decided from the bytes themselves,
//! never from the name or the declared type, which a browser or a script can set to anything — and under
//! the size limit. The content hash (SHA-256) identifies the file: the same photo uploaded twice is stored
//! once, and a photo reused on another claim is found by its hash (the mis-claim check).

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::Violation;
use crate::access::Permission;

/// The default upload limit: a phone photo is 2–6 MB, a scanned invoice PDF rarely over 5 MB.
pub const DEFAULT_MAX_BYTES: usize = 10 * 1024 * 1024;

/// The file types claimdesk accepts: what a phone camera, a scanner or a PDF printer produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ContentType {
    Jpeg,
    Png,
    Webp,
    Pdf,
}

impl ContentType {
    pub const ALL: [ContentType; 4] = [ContentType::Jpeg, ContentType::Png, ContentType::Webp, ContentType::Pdf];

    pub fn mime(self) -> &'static str {
        match self {
            ContentType::Jpeg => "image/jpeg",
            ContentType::Png => "image/png",
            ContentType::Webp => "image/webp",
            ContentType::Pdf => "application/pdf",
        }
    }

    pub fn from_mime(mime: &str) -> Option<ContentType> {
        ContentType::ALL.into_iter().find(|kind| kind.mime() == mime)
    }

    pub fn extension(self) -> &'static str {
        match self {
            ContentType::Jpeg => "jpg",
            ContentType::Png => "png",
            ContentType::Webp => "webp",
            ContentType::Pdf => "pdf",
        }
    }

    pub fn is_image(self) -> bool {
        self != ContentType::Pdf
    }

    /// The file type the bytes begin with, by their signature.
    pub fn sniff(bytes: &[u8]) -> Option<ContentType> {
        if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(ContentType::Jpeg)
        } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(ContentType::Png)
        } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
            Some(ContentType::Webp)
        } else if bytes.starts_with(b"%PDF-") {
            Some(ContentType::Pdf)
        } else {
            None
        }
    }
}

/// What an attachment is for; the mis-claim checks count photos, and a manufacturer's audit asks for
/// invoices and checklists by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AttachmentKind {
    Photo,
    Invoice,
    Checklist,
    Document,
}

impl AttachmentKind {
    pub const ALL: [AttachmentKind; 4] =
        [AttachmentKind::Photo, AttachmentKind::Invoice, AttachmentKind::Checklist, AttachmentKind::Document];

    pub fn as_str(self) -> &'static str {
        match self {
            AttachmentKind::Photo => "photo",
            AttachmentKind::Invoice => "invoice",
            AttachmentKind::Checklist => "checklist",
            AttachmentKind::Document => "document",
        }
    }

    pub fn parse(text: &str) -> Result<AttachmentKind, Violation> {
        AttachmentKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text.trim())
            .ok_or_else(|| Violation::new("kind", "unknown_value").with("detail", text.trim()))
    }
}

/// The records that carry attachments. Each names the table that holds its store and the permissions
/// that read and add to it, so the one attachments service can scope every owner alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    WarrantyClaim,
    InsuranceClaim,
    RepairOrder,
    /// 复议: the evidence sent with a settlement appeal; finance keeps it.
    StatementAppeal,
    /// 质量信息反馈: the photos of the fault.
    QualityReport,
}

impl OwnerKind {
    pub const ALL: [OwnerKind; 5] = [
        OwnerKind::WarrantyClaim,
        OwnerKind::InsuranceClaim,
        OwnerKind::RepairOrder,
        OwnerKind::StatementAppeal,
        OwnerKind::QualityReport,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OwnerKind::WarrantyClaim => "warranty_claim",
            OwnerKind::InsuranceClaim => "insurance_claim",
            OwnerKind::RepairOrder => "repair_order",
            OwnerKind::StatementAppeal => "statement_appeal",
            OwnerKind::QualityReport => "quality_report",
        }
    }

    pub fn parse(text: &str) -> Result<OwnerKind, Violation> {
        OwnerKind::ALL
            .into_iter()
            .find(|kind| kind.as_str() == text.trim())
            .ok_or_else(|| Violation::new("owner_kind", "unknown_value").with("detail", text.trim()))
    }

    /// The table whose row (by `id`) owns the attachment and carries its `store_id`.
    pub fn table(self) -> &'static str {
        match self {
            OwnerKind::WarrantyClaim => "warranty_claims",
            OwnerKind::InsuranceClaim => "insurance_claims",
            OwnerKind::RepairOrder => "repair_orders",
            OwnerKind::StatementAppeal => "statement_appeals",
            OwnerKind::QualityReport => "quality_reports",
        }
    }

    pub fn read_permission(self) -> Permission {
        match self {
            OwnerKind::WarrantyClaim => Permission::WarrantyRead,
            OwnerKind::InsuranceClaim => Permission::InsuranceRead,
            OwnerKind::RepairOrder => Permission::RepairOrdersRead,
            OwnerKind::StatementAppeal => Permission::FinanceRead,
            OwnerKind::QualityReport => Permission::WarrantyRead,
        }
    }

    pub fn write_permission(self) -> Permission {
        match self {
            OwnerKind::WarrantyClaim => Permission::WarrantyWrite,
            OwnerKind::InsuranceClaim => Permission::InsuranceWrite,
            OwnerKind::RepairOrder => Permission::RepairOrdersWrite,
            OwnerKind::StatementAppeal => Permission::FinanceWrite,
            OwnerKind::QualityReport => Permission::WarrantyWrite,
        }
    }
}

/// An upload that passed the checks: its type, hash and the name to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedFile {
    pub content_type: ContentType,
    pub hash: String,
    pub file_name: String,
    pub size: usize,
}

/// Checks an upload: not empty, at most `max_bytes`, and of an allowed type by its content.
pub fn check(file_name: &str, bytes: &[u8], max_bytes: usize) -> Result<CheckedFile, Violation> {
    if bytes.is_empty() {
        return Err(Violation::new("file", "file_empty"));
    }
    if bytes.len() > max_bytes {
        return Err(Violation::new("file", "file_too_large").with("max_mb", max_bytes.div_ceil(1024 * 1024)));
    }
    let content_type = ContentType::sniff(bytes).ok_or_else(|| {
        Violation::new("file", "file_type_not_allowed")
            .with("allowed", ContentType::ALL.map(ContentType::extension).join(", "))
    })?;
    Ok(CheckedFile {
        content_type,
        hash: content_hash(bytes),
        file_name: clean_name(file_name, content_type),
        size: bytes.len(),
    })
}

/// SHA-256 of the bytes, lower-case hex.
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The last path segment of the name a browser sent, without control characters, at most 120 characters;
/// a missing name becomes `file.<ext>`.
pub fn clean_name(file_name: &str, content_type: ContentType) -> String {
    let last = file_name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control() && *c != '"').take(120).collect();
    let cleaned = cleaned.trim().to_string();
    if cleaned.is_empty() || cleaned.chars().all(|c| c == '.') {
        format!("file.{}", content_type.extension())
    } else {
        cleaned
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F'];
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

    #[test]
    fn sniffs_each_allowed_type_by_its_signature() {
        assert_eq!(ContentType::sniff(JPEG), Some(ContentType::Jpeg));
        assert_eq!(ContentType::sniff(PNG), Some(ContentType::Png));
        assert_eq!(ContentType::sniff(b"RIFF\x10\0\0\0WEBPVP8 "), Some(ContentType::Webp));
        assert_eq!(ContentType::sniff(b"%PDF-1.7\n"), Some(ContentType::Pdf));
        assert_eq!(ContentType::sniff(b"RIFF\x10\0\0\0WAVEfmt "), None);
        assert_eq!(ContentType::sniff(b"<html><script>"), None);
        assert_eq!(ContentType::sniff(b"MZ\x90\0"), None);
    }

    #[test]
    fn the_name_does_not_decide_the_type() {
        let error = check("photo.jpg", b"<svg onload=alert(1)>", DEFAULT_MAX_BYTES).unwrap_err();
        assert_eq!((error.field.as_str(), error.code), ("file", "file_type_not_allowed"));
        assert_eq!(error.params["allowed"], "jpg, png, webp, pdf");
        let ok = check("invoice.txt", b"%PDF-1.4 ...", DEFAULT_MAX_BYTES).unwrap();
        assert_eq!(ok.content_type, ContentType::Pdf);
    }

    #[test]
    fn empty_and_oversized_files_are_refused_with_the_limit() {
        assert_eq!(check("a.jpg", b"", 100).unwrap_err().code, "file_empty");
        let mut big = JPEG.to_vec();
        big.resize(3 * 1024 * 1024 + 1, 0);
        let error = check("a.jpg", &big, 3 * 1024 * 1024).unwrap_err();
        assert_eq!(error.code, "file_too_large");
        assert_eq!(error.params["max_mb"], "3");
        assert!(check("a.jpg", &big[..3 * 1024 * 1024], 3 * 1024 * 1024).is_ok());
    }

    #[test]
    fn the_hash_is_sha256_of_the_bytes() {
        assert_eq!(content_hash(b"abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert_eq!(check("x.png", PNG, 100).unwrap().hash, content_hash(PNG));
    }

    #[test]
    fn names_lose_their_folders_and_control_characters() {
        assert_eq!(clean_name("C:\\Users\\王\\故障照片.jpg", ContentType::Jpeg), "故障照片.jpg");
        assert_eq!(clean_name("../../etc/passwd", ContentType::Pdf), "passwd");
        assert_eq!(clean_name("a\u{0}b\"c.png", ContentType::Png), "abc.png");
        assert_eq!(clean_name("", ContentType::Png), "file.png");
        assert_eq!(clean_name("..", ContentType::Pdf), "file.pdf");
        assert_eq!(clean_name(&"长".repeat(300), ContentType::Pdf).chars().count(), 120);
    }

    #[test]
    fn kinds_and_owners_round_trip_and_refuse_unknown_words() {
        for kind in AttachmentKind::ALL {
            assert_eq!(AttachmentKind::parse(kind.as_str()), Ok(kind));
        }
        for owner in OwnerKind::ALL {
            assert_eq!(OwnerKind::parse(owner.as_str()), Ok(owner));
            assert_ne!(owner.read_permission(), owner.write_permission());
        }
        assert_eq!(AttachmentKind::parse("video").unwrap_err().field, "kind");
        assert_eq!(OwnerKind::parse("stores").unwrap_err().field, "owner_kind");
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_and_names_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..64), name in ".{0,200}") {
            match check(&name, &bytes, 32) {
                Ok(file) => {
                    prop_assert!(file.size <= 32 && !file.file_name.is_empty());
                    prop_assert_eq!(Some(file.content_type), ContentType::sniff(&bytes));
                }
                Err(violation) => prop_assert_eq!(violation.field, "file"),
            }
        }
    }
}
