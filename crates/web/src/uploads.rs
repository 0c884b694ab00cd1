//! Uploaded import files kept between the preview and the import, so nobody uploads twice.
//!
//! A file lives in the system temp folder under a random 128-bit token for [`KEEP`] and belongs to the
//! person who uploaded it: another user's token reads as missing. A temp folder rather than a table,
//! because a file of 100,000 rows weighs tens of megabytes that would otherwise pass through the WAL and
//! every backup for a few minutes of use, and because these files hold personal data (ID numbers) that
//! should not outlive the import: they are removed after a successful import and swept when old. With
//! several app servers, the preview and the import must reach the same server (sticky sessions) or share
//! the folder; the API needs neither, since it takes the file and imports in one request.

use rand::RngCore;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::{Duration, SystemTime};

/// How long an uploaded file waits for its import.
pub const KEEP: Duration = Duration::from_secs(60 * 60);

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Meta {
    pub user_id: String,
    pub store_id: String,
    pub file_name: String,
}

fn folder() -> PathBuf {
    std::env::temp_dir().join("claimdesk-uploads")
}

fn valid_token(token: &str) -> bool {
    token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Keeps a file and answers its token.
pub async fn save(meta: &Meta, bytes: &[u8]) -> std::io::Result<String> {
    let folder = folder();
    tokio::fs::create_dir_all(&folder).await?;
    sweep(&folder).await;
    let mut raw = [0u8; 16];
    rand::rng().fill_bytes(&mut raw);
    let token: String = raw.iter().map(|b| format!("{b:02x}")).collect();
    write_private(folder.join(format!("{token}.bin")), bytes).await?;
    let meta = serde_json::to_vec(meta).map_err(std::io::Error::other)?;
    write_private(folder.join(format!("{token}.json")), &meta).await?;
    Ok(token)
}

/// Only the owner may read (the files hold ID numbers and phones).
async fn write_private(path: PathBuf, bytes: &[u8]) -> std::io::Result<()> {
    let bytes = bytes.to_vec();
    tokio::task::spawn_blocking(move || {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        options.open(path)?.write_all(&bytes)
    })
    .await
    .map_err(std::io::Error::other)?
}

/// The file behind a token, if it exists, is fresh, and belongs to `user_id`.
pub async fn load(token: &str, user_id: &str) -> Option<(Meta, Vec<u8>)> {
    if !valid_token(token) {
        return None;
    }
    let folder = folder();
    let meta_path = folder.join(format!("{token}.json"));
    let modified = tokio::fs::metadata(&meta_path).await.ok()?.modified().ok()?;
    if SystemTime::now().duration_since(modified).unwrap_or_default() > KEEP {
        remove(token).await;
        return None;
    }
    let meta: Meta = serde_json::from_slice(&tokio::fs::read(&meta_path).await.ok()?).ok()?;
    if meta.user_id != user_id {
        return None;
    }
    let bytes = tokio::fs::read(folder.join(format!("{token}.bin"))).await.ok()?;
    Some((meta, bytes))
}

pub async fn remove(token: &str) {
    if valid_token(token) {
        let folder = folder();
        let _ = tokio::fs::remove_file(folder.join(format!("{token}.bin"))).await;
        let _ = tokio::fs::remove_file(folder.join(format!("{token}.json"))).await;
    }
}

/// Removes files older than [`KEEP`].
async fn sweep(folder: &std::path::Path) {
    let Ok(mut entries) = tokio::fs::read_dir(folder).await else { return };
    while let Ok(Some(entry)) = entries.next_entry().await {
        let old = entry
            .metadata()
            .await
            .ok()
            .and_then(|meta| meta.modified().ok())
            .and_then(|modified| SystemTime::now().duration_since(modified).ok())
            .is_some_and(|age| age > KEEP);
        if old {
            let _ = tokio::fs::remove_file(entry.path()).await;
        }
    }
}
