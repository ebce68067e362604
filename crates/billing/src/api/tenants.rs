//! Tenants the signed-in user belongs to.

use super::operations::TENANTS_LIST;
use crate::arm::{ArmClient, ItemStream};
use crate::model::Tenant;

impl ArmClient {
    pub fn list_tenants(&self) -> ItemStream<Tenant> {
        self.list(&TENANTS_LIST, &[], &[])
    }
}
