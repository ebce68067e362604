//! Demo mode in the window: the sample data of [`invoice_desk_api::Demo`], and what the
//! window shows of it (who is signed in, who else can be picked).

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use invoice_desk_api::Demo;

pub use invoice_desk_api::{DEFAULT_DEMO_USER, DEMO_SCENARIO};

#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DemoUser {
    pub upn: String,
    pub display_name: String,
}

/// What the window shows while in demo mode: who is signed in, and who else can be picked.
#[derive(Debug, Clone, Serialize, Deserialize, specta::Type)]
#[serde(rename_all = "camelCase")]
pub struct DemoState {
    pub user: String,
    pub users: Vec<DemoUser>,
}

impl DemoState {
    pub fn of(demo: &Demo) -> Self {
        Self {
            user: demo.user().unwrap_or_default(),
            users: demo
                .users()
                .into_iter()
                .map(|u| DemoUser {
                    upn: u.upn,
                    display_name: u.display_name,
                })
                .collect(),
        }
    }
}

/// Shared so commands can hold the demo across awaits.
pub type DemoSlot = Arc<tokio::sync::Mutex<Option<Demo>>>;
