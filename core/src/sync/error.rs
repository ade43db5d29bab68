//! What can go wrong in a sync, in words a grid worker understands (Chinese first), with a
//! stable code for programs and for the apps' own translations.

use super::transport::{UPDATE_APP, UPDATE_SERVER};
use crate::error::Error;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The store has not been enrolled with a server yet.
    #[error("this phone is not enrolled with a server")]
    NotEnrolled,
    /// No connection, a timeout, a connection dropped mid-response, or a server error that
    /// may pass: worth retrying later.
    #[error("network: {0}")]
    Network(String),
    /// The token is unknown (or the relay does not say why it refused it).
    #[error("the server no longer accepts this phone's token")]
    Unauthorized,
    /// An administrator revoked this device (a lost phone, a handover): it may not sync
    /// again under this enrolment. Its work stays in the store.
    #[error("this phone was revoked by an administrator")]
    Revoked,
    /// The server refused the request for a reason retrying will not change.
    #[error("the server refused the request ({code}): {message}")]
    Refused { code: String, message: String },
    /// The server's reply could not be read.
    #[error("unreadable reply from the server: {0}")]
    Protocol(String),
    /// Stopped by the caller between rounds.
    #[error("sync was cancelled")]
    Cancelled,
    #[error(transparent)]
    Store(#[from] Error),
}

impl SyncError {
    pub fn code(&self) -> &str {
        match self {
            SyncError::NotEnrolled => "not_enrolled",
            SyncError::Network(_) => "network",
            SyncError::Unauthorized => "unauthorized",
            SyncError::Revoked => super::transport::DEVICE_REVOKED,
            SyncError::Refused { code, .. } => code,
            SyncError::Protocol(_) => "protocol",
            SyncError::Cancelled => "cancelled",
            SyncError::Store(Error::StorageFull) => "storage_full",
            SyncError::Store(_) => "storage",
        }
    }

    /// Whether trying again later can succeed without anyone doing anything.
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncError::Network(_))
    }

    /// What the phone shows: what happened, and that the work is safe.
    pub fn user_message_zh(&self) -> String {
        match self {
            SyncError::NotEnrolled => "本机尚未登记，请向主管索取登记码。".into(),
            SyncError::Network(_) => {
                "暂时连不上服务器。记录已保存在手机上，有网后会自动上传。".into()
            }
            SyncError::Unauthorized => {
                "本机的同步权限已失效，请联系主管重新登记。记录仍保存在手机上。".into()
            }
            SyncError::Revoked => {
                "本机已被管理员停用，不能再同步。未同步的记录仍在这部手机上，请联系主管。".into()
            }
            SyncError::Refused { code, .. } if code == UPDATE_SERVER => {
                "服务器的版本比应用旧，暂时无法同步：请联系管理员升级服务器。记录都还保存在手机上。".into()
            }
            SyncError::Refused { code, .. } if code == UPDATE_APP => {
                "应用版本太旧，服务器已不再支持：请升级网格管家应用后再同步。记录都还保存在手机上。".into()
            }
            SyncError::Refused { .. } => {
                "服务器拒绝了这次同步，请联系主管。记录仍保存在手机上。".into()
            }
            SyncError::Protocol(_) => "服务器的回复无法读取，请稍后再试或升级应用。".into(),
            SyncError::Cancelled => "同步已取消。".into(),
            SyncError::Store(Error::StorageFull) => {
                "手机存储空间已满，新的记录暂时存不进去。已保存的记录都还在；请删除不用的照片或应用腾出空间，有网时同步也会释放空间。".into()
            }
            SyncError::Store(_) => "手机存储出错，请联系技术支持。".into(),
        }
    }

    pub fn user_message_en(&self) -> String {
        match self {
            SyncError::NotEnrolled => "This phone is not enrolled yet; ask your supervisor for a code.".into(),
            SyncError::Network(_) => "Cannot reach the server. Your work is saved on this phone and will be sent when a connection returns.".into(),
            SyncError::Unauthorized => "This phone may no longer sync; ask your supervisor to enrol it again. Your work is still on the phone.".into(),
            SyncError::Revoked => "An administrator revoked this phone: it cannot sync any more. Work not yet synced is still on this phone; contact your supervisor.".into(),
            SyncError::Refused { code, .. } if code == UPDATE_SERVER => "The server is older than this app and cannot sync with it: ask your administrator to update the server. Your work is still on the phone.".into(),
            SyncError::Refused { code, .. } if code == UPDATE_APP => "This app is too old for the server: update Gridkeeper, then sync. Your work is still on the phone.".into(),
            SyncError::Refused { .. } => "The server refused this sync; contact your supervisor. Your work is still on the phone.".into(),
            SyncError::Protocol(_) => "The server's reply could not be read; try again later or update the app.".into(),
            SyncError::Cancelled => "Sync was cancelled.".into(),
            SyncError::Store(Error::StorageFull) => "The phone's storage is full, so new work cannot be saved for now. Everything saved is still there; free some space (old photos, unused apps). Syncing also frees space.".into(),
            SyncError::Store(_) => "The phone's storage failed; contact support.".into(),
        }
    }
}
