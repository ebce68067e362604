//! billingPermissions, checkAccess, role assignments/definitions and policies.

use serde_json::{Value, json};

use super::common::{account, body_json, param};
use crate::access::{self, Need};
use crate::app::{Ctx, Params};
use crate::error::ArmError;
use crate::paging::page;
use crate::reply::Reply;
use crate::scenario::model::{Role, Scope, World};

/// The scope a permissions route addresses: account, profile, department or enrollment account.
fn scope(world: &World, params: &Params) -> Result<Scope, ArmError> {
    let ba = account(world, param(params, "ba"))?.name.clone();
    let missing = |what: &str| {
        ArmError::not_found(&format!(
            "/providers/Microsoft.Billing/billingAccounts/{ba}/{what}"
        ))
    };
    if let Some(bp) = params.get("bp") {
        let p = world
            .profile(&ba, bp)
            .ok_or_else(|| missing(&format!("billingProfiles/{bp}")))?;
        if let Some(is) = params.get("is") {
            let s = world
                .invoice_section(&ba, &p.name, is)
                .ok_or_else(|| missing(&format!("billingProfiles/{bp}/invoiceSections/{is}")))?;
            return Ok(super::invoice_sections::scope(s));
        }
        return Ok(Scope::Profile(ba.clone(), p.name.clone()));
    }
    if let Some(d) = params.get("dep") {
        let d = world
            .department(&ba, d)
            .ok_or_else(|| missing(&format!("departments/{d}")))?;
        return Ok(Scope::Department(ba.clone(), d.name.clone()));
    }
    if let Some(e) = params.get("ea") {
        let e = world
            .enrollment_account(&ba, e)
            .ok_or_else(|| missing(&format!("enrollmentAccounts/{e}")))?;
        return Ok(Scope::EnrollmentAccount(ba.clone(), e.name.clone()));
    }
    Ok(Scope::Account(ba))
}

type Action = (Need, &'static str);

/// Action names per kind of access, as Microsoft.Billing operation names.
const ACTIONS: &[Action] = &[
    (Need::Read, "Microsoft.Billing/billingAccounts/read"),
    (
        Need::Read,
        "Microsoft.Billing/billingAccounts/billingProfiles/read",
    ),
    (
        Need::Read,
        "Microsoft.Billing/billingAccounts/billingSubscriptions/read",
    ),
    (
        Need::InvoiceRead,
        "Microsoft.Billing/billingAccounts/billingProfiles/invoices/read",
    ),
    (
        Need::InvoiceRead,
        "Microsoft.Billing/billingAccounts/invoices/read",
    ),
    (
        Need::InvoiceRead,
        "Microsoft.Billing/billingAccounts/invoices/download/action",
    ),
    (
        Need::Write,
        "Microsoft.Billing/billingAccounts/billingProfiles/write",
    ),
    (Need::Write, "Microsoft.Billing/billingAccounts/write"),
    (
        Need::CostRead,
        "Microsoft.CostManagement/generateCostDetailsReport/action",
    ),
];

fn need_of(action: &str) -> Option<Need> {
    ACTIONS
        .iter()
        .find(|(_, a)| a.eq_ignore_ascii_case(action))
        .map(|(n, _)| *n)
}

pub fn permissions(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let scope = scope(&world, params)?;
    let (actions, not_actions): (Vec<&str>, Vec<&str>) = {
        let (allowed, denied): (Vec<Action>, Vec<Action>) = ACTIONS
            .iter()
            .copied()
            .partition(|(n, _)| access::allowed(&world, who, &scope, *n));
        (
            allowed.into_iter().map(|(_, a)| a).collect(),
            denied.into_iter().map(|(_, a)| a).collect(),
        )
    };
    // ARM lists the caller's effective permissions; with none it answers an empty list.
    let items = if actions.is_empty() {
        Vec::new()
    } else {
        vec![json!({"actions": actions, "notActions": not_actions})]
    };
    Ok(Reply::ok(page(ctx, items)))
}

pub fn check_access(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let body = body_json(ctx)?;
    let world = ctx.app.world();
    let scope = scope(&world, params)?;
    let Some(requested) = body.get("actions").and_then(Value::as_array) else {
        return Err(ArmError::bad_request(
            "InvalidRequestContent",
            "The request body must contain an 'actions' array.",
        ));
    };
    let decisions: Vec<Value> = requested
        .iter()
        .filter_map(Value::as_str)
        .map(|a| {
            let decision = match need_of(a) {
                Some(n) if access::allowed(&world, who, &scope, n) => "Allowed",
                _ => "NotAllowed",
            };
            json!({"action": a, "accessDecision": decision})
        })
        .collect();
    Ok(Reply::ok(Value::Array(decisions)))
}

pub fn role_assignments(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let scope = scope(&world, params)?;
    access::require(
        &world,
        who,
        &scope,
        Need::Read,
        "Microsoft.Billing/billingAccounts/billingRoleAssignments/read",
    )?;
    let base = scope.arm_id();
    let items = world
        .grants
        .iter()
        .filter(|g| g.scope == scope)
        .map(|g| {
            let user = world.user_by_oid(&g.principal);
            json!({
                "id": format!("{base}/billingRoleAssignments/{}", g.assignment_id),
                "name": g.assignment_id,
                "type": match scope {
                    Scope::Profile(..) => "Microsoft.Billing/billingAccounts/billingProfiles/billingRoleAssignments",
                    Scope::InvoiceSection(..) => "Microsoft.Billing/billingAccounts/billingProfiles/invoiceSections/billingRoleAssignments",
                    _ => "Microsoft.Billing/billingAccounts/billingRoleAssignments",
                },
                "properties": {
                    "createdOn": "2024-01-15T09:00:00.0000000Z",
                    "createdByPrincipalTenantId": user.map(|u| u.home_tenant.clone()).unwrap_or_default(),
                    "createdByPrincipalId": g.principal,
                    "principalId": g.principal,
                    "principalTenantId": user.map(|u| u.home_tenant.clone()).unwrap_or_default(),
                    "principalTenantName": user.and_then(|u| world.tenant(&u.home_tenant)).map(|t| t.display_name.clone()).unwrap_or_default(),
                    "principalDisplayName": user.map(|u| u.display_name.clone()).unwrap_or_default(),
                    "principalType": "User",
                    "roleDefinitionId": format!("{base}/billingRoleDefinitions/{}", g.role.definition_id()),
                    "scope": base,
                    "userEmailAddress": user.map(|u| u.upn.clone()).unwrap_or_default(),
                    "provisioningState": "Succeeded",
                },
            })
        })
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}

pub fn role_definitions(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let scope = scope(&world, params)?;
    access::require(
        &world,
        who,
        &scope,
        Need::Read,
        "Microsoft.Billing/billingAccounts/billingRoleDefinitions/read",
    )?;
    let roles: &[(Role, &str, &[Need])] = match scope {
        Scope::Profile(..) => &[
            (
                Role::BillingProfileOwner,
                "The Owner role gives the user all permissions including access management rights to the billing profile.",
                &[Need::Read, Need::InvoiceRead, Need::Write, Need::CostRead],
            ),
            (
                Role::BillingProfileContributor,
                "The Contributor role gives the user all permissions except access management rights to the billing profile.",
                &[Need::Read, Need::InvoiceRead, Need::Write, Need::CostRead],
            ),
            (
                Role::BillingProfileReader,
                "The Reader role gives the user read only access to the billing profile.",
                &[Need::Read, Need::InvoiceRead, Need::CostRead],
            ),
            (
                Role::InvoiceManager,
                "The Invoice manager role gives the user the ability to view and pay invoices of the billing profile.",
                &[Need::Read, Need::InvoiceRead, Need::CostRead],
            ),
        ],
        Scope::InvoiceSection(..) => &[
            (
                Role::InvoiceSectionOwner,
                "The Owner role gives the user all permissions including access management rights to the invoice section.",
                &[Need::Read, Need::CostRead],
            ),
            (
                Role::InvoiceSectionContributor,
                "The Contributor role gives the user all permissions except access management rights to the invoice section.",
                &[Need::Read, Need::CostRead],
            ),
            (
                Role::InvoiceSectionReader,
                "The Reader role gives the user read only access to the invoice section.",
                &[Need::Read, Need::CostRead],
            ),
        ],
        _ => &[
            (
                Role::BillingAccountOwner,
                "The Owner role gives the user all permissions including access management rights to the billing account.",
                &[Need::Read, Need::InvoiceRead, Need::Write, Need::CostRead],
            ),
            (
                Role::EnterpriseAdmin,
                "The Enterprise administrator role can manage the enrollment and view all charges.",
                &[Need::Read, Need::InvoiceRead, Need::Write, Need::CostRead],
            ),
        ],
    };
    let base = scope.arm_id();
    let items = roles
        .iter()
        .map(|(role, description, needs)| {
            let actions: Vec<&str> = ACTIONS.iter().filter(|(n, _)| needs.contains(n)).map(|(_, a)| *a).collect();
            json!({
                "id": format!("{base}/billingRoleDefinitions/{}", role.definition_id()),
                "name": role.definition_id(),
                "type": match scope {
                    Scope::Profile(..) => "Microsoft.Billing/billingAccounts/billingProfiles/billingRoleDefinitions",
                    Scope::InvoiceSection(..) => "Microsoft.Billing/billingAccounts/billingProfiles/invoiceSections/billingRoleDefinitions",
                    _ => "Microsoft.Billing/billingAccounts/billingRoleDefinitions",
                },
                "properties": {"description": description, "permissions": [{"actions": actions}], "roleName": role.display()},
            })
        })
        .collect();
    Ok(Reply::ok(page(ctx, items)))
}

fn allowed_word(on: bool) -> &'static str {
    if on { "Allowed" } else { "NotAllowed" }
}

pub fn account_policy(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let a = account(&world, param(params, "ba"))?;
    let scope = Scope::Account(a.name.clone());
    if !access::touches(&world, who, &scope) {
        return Err(access::forbidden(
            who,
            "Microsoft.Billing/billingAccounts/policies/read",
            &scope.arm_id(),
        ));
    }
    let mut props = json!({"marketplacePurchases": "AllAllowed", "reservationPurchases": "Allowed", "savingsPlanPurchases": "NotAllowed"});
    if let Some(e) = &a.enrollment {
        props["enterpriseAgreementPolicies"] = json!({
            "authenticationType": "OrganizationalAccountOnly",
            "accountOwnerViewCharges": allowed_word(e.account_owner_view_charges),
            "departmentAdminViewCharges": allowed_word(e.department_admin_view_charges),
        });
    }
    Ok(Reply::ok(json!({
        "id": format!("{}/policies/default", scope.arm_id()),
        "name": "default",
        "type": "Microsoft.Billing/billingAccounts/policies",
        "properties": props,
    })))
}

pub fn profile_policy(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let scope = scope(&world, params)?;
    access::require(
        &world,
        who,
        &scope,
        Need::Read,
        "Microsoft.Billing/billingAccounts/billingProfiles/policies/read",
    )?;
    Ok(Reply::ok(json!({
        "id": format!("{}/policies/default", scope.arm_id()),
        "name": "default",
        "type": "Microsoft.Billing/billingAccounts/billingProfiles/policies",
        "properties": {
            "invoiceSectionLabelManagement": "Allowed",
            "marketplacePurchases": "AllAllowed",
            "reservationPurchases": "Allowed",
            "savingsPlanPurchases": "Allowed",
            "viewCharges": "Allowed",
        },
    })))
}

pub fn subscription_policy(ctx: &Ctx<'_>, params: &Params) -> Result<Reply, ArmError> {
    let who = ctx.who()?;
    let world = ctx.app.world();
    let sub = param(params, "sub");
    let s = world
        .subscription(sub)
        .ok_or_else(|| ArmError::not_found(&format!("/subscriptions/{sub}")))?;
    let scope = Scope::Subscription(s.id.clone());
    access::require(
        &world,
        who,
        &scope,
        Need::Read,
        "Microsoft.Billing/policies/read",
    )?;
    Ok(Reply::ok(json!({
        "id": format!("/subscriptions/{}/providers/Microsoft.Billing/policies/default", s.id),
        "name": "default",
        "type": "Microsoft.Billing/policies",
        "properties": {"policies": [{"name": "ViewCharges", "value": "Allowed", "policyType": "SystemControlled", "scope": format!("/subscriptions/{}", s.id)}]},
    })))
}
