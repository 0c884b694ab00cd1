//! Roles and the one permission matrix. A role is held in a store, or group-wide (no store); a group-wide
//! role reaches every store.

use serde::{Deserialize, Serialize};

/// The roles of DESIGN.md "Who uses it".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 集团管理员
    GroupAdmin,
    /// 门店管理员
    StoreAdmin,
    /// 业务主管 / 服务经理
    Supervisor,
    /// 索赔员
    WarrantyClerk,
    /// 保险专员 / 查勘定损
    InsuranceSpecialist,
    /// 业务接待 / 服务顾问
    ServiceAdvisor,
    /// 跟踪业务员 / 回访专员
    FollowUpAgent,
    /// 财务
    Finance,
    /// 只读审计员
    Auditor,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::GroupAdmin,
        Role::StoreAdmin,
        Role::Supervisor,
        Role::WarrantyClerk,
        Role::InsuranceSpecialist,
        Role::ServiceAdvisor,
        Role::FollowUpAgent,
        Role::Finance,
        Role::Auditor,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::GroupAdmin => "group_admin",
            Role::StoreAdmin => "store_admin",
            Role::Supervisor => "supervisor",
            Role::WarrantyClerk => "warranty_clerk",
            Role::InsuranceSpecialist => "insurance_specialist",
            Role::ServiceAdvisor => "service_advisor",
            Role::FollowUpAgent => "follow_up_agent",
            Role::Finance => "finance",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == text)
    }

    /// Group-level roles are held without a store and see every store.
    pub fn is_group_level(self) -> bool {
        matches!(self, Role::GroupAdmin)
    }
}

/// What a person may do. Reads and writes are separate so an auditor can see everything and change nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    StoresManage,
    UsersManage,
    CustomersRead,
    CustomersWrite,
    CustomersImport,
    RepairOrdersRead,
    RepairOrdersWrite,
    /// Recording an odometer replacement lets a lower mileage through.
    OdometerReplace,
    WarrantyRead,
    WarrantyWrite,
    WarrantySettings,
    InsuranceRead,
    InsuranceWrite,
    FollowUpRead,
    FollowUpWrite,
    FollowUpSupervise,
    FinanceRead,
    FinanceWrite,
    AuditRead,
    ReportsRead,
}

impl Permission {
    pub const ALL: [Permission; 20] = [
        Permission::StoresManage,
        Permission::UsersManage,
        Permission::CustomersRead,
        Permission::CustomersWrite,
        Permission::CustomersImport,
        Permission::RepairOrdersRead,
        Permission::RepairOrdersWrite,
        Permission::OdometerReplace,
        Permission::WarrantyRead,
        Permission::WarrantyWrite,
        Permission::WarrantySettings,
        Permission::InsuranceRead,
        Permission::InsuranceWrite,
        Permission::FollowUpRead,
        Permission::FollowUpWrite,
        Permission::FollowUpSupervise,
        Permission::FinanceRead,
        Permission::FinanceWrite,
        Permission::AuditRead,
        Permission::ReportsRead,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Permission::StoresManage => "stores_manage",
            Permission::UsersManage => "users_manage",
            Permission::CustomersRead => "customers_read",
            Permission::CustomersWrite => "customers_write",
            Permission::CustomersImport => "customers_import",
            Permission::RepairOrdersRead => "repair_orders_read",
            Permission::RepairOrdersWrite => "repair_orders_write",
            Permission::OdometerReplace => "odometer_replace",
            Permission::WarrantyRead => "warranty_read",
            Permission::WarrantyWrite => "warranty_write",
            Permission::WarrantySettings => "warranty_settings",
            Permission::InsuranceRead => "insurance_read",
            Permission::InsuranceWrite => "insurance_write",
            Permission::FollowUpRead => "follow_up_read",
            Permission::FollowUpWrite => "follow_up_write",
            Permission::FollowUpSupervise => "follow_up_supervise",
            Permission::FinanceRead => "finance_read",
            Permission::FinanceWrite => "finance_write",
            Permission::AuditRead => "audit_read",
            Permission::ReportsRead => "reports_read",
        }
    }
}

/// The permission matrix: the only place that says which role may do what.
pub fn role_allows(role: Role, permission: Permission) -> bool {
    use Permission as P;
    use Role as R;
    let reads = matches!(
        permission,
        P::CustomersRead
            | P::RepairOrdersRead
            | P::WarrantyRead
            | P::InsuranceRead
            | P::FollowUpRead
            | P::FinanceRead
            | P::AuditRead
            | P::ReportsRead
    );
    match role {
        R::GroupAdmin => true,
        R::StoreAdmin => !matches!(permission, P::StoresManage | P::WarrantySettings),
        R::Supervisor => {
            !matches!(permission, P::StoresManage | P::UsersManage | P::WarrantySettings | P::FinanceWrite)
        }
        R::Auditor => reads,
        R::WarrantyClerk => {
            reads && !matches!(permission, P::FinanceRead)
                || matches!(permission, P::WarrantyWrite | P::CustomersWrite | P::RepairOrdersWrite)
        }
        R::InsuranceSpecialist => {
            matches!(
                permission,
                P::CustomersRead
                    | P::CustomersWrite
                    | P::RepairOrdersRead
                    | P::RepairOrdersWrite
                    | P::InsuranceRead
                    | P::InsuranceWrite
                    | P::WarrantyRead
                    | P::FollowUpRead
            )
        }
        R::ServiceAdvisor => matches!(
            permission,
            P::CustomersRead
                | P::CustomersWrite
                | P::RepairOrdersRead
                | P::RepairOrdersWrite
                | P::WarrantyRead
                | P::InsuranceRead
                | P::FollowUpRead
        ),
        R::FollowUpAgent => matches!(
            permission,
            P::CustomersRead | P::CustomersWrite | P::RepairOrdersRead | P::FollowUpRead | P::FollowUpWrite
        ),
        R::Finance => matches!(
            permission,
            P::CustomersRead
                | P::RepairOrdersRead
                | P::WarrantyRead
                | P::InsuranceRead
                | P::FinanceRead
                | P::FinanceWrite
                | P::ReportsRead
        ),
    }
}

/// One role a user holds, in a store or group-wide.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoleGrant {
    pub store_id: Option<String>,
    pub role: Role,
}

/// The stores a person can see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreScope {
    All,
    Only(Vec<String>),
}

impl StoreScope {
    pub fn contains(&self, store_id: &str) -> bool {
        match self {
            StoreScope::All => true,
            StoreScope::Only(ids) => ids.iter().any(|id| id == store_id),
        }
    }
}

/// Whether the grants allow `permission` in `store_id`.
pub fn allowed(grants: &[RoleGrant], permission: Permission, store_id: &str) -> bool {
    grants.iter().any(|grant| {
        let reaches = match &grant.store_id {
            None => true,
            Some(id) => id == store_id,
        };
        reaches && role_allows(grant.role, permission)
    })
}

/// Whether any grant allows `permission` somewhere (to show a menu entry).
pub fn allowed_anywhere(grants: &[RoleGrant], permission: Permission) -> bool {
    grants.iter().any(|grant| role_allows(grant.role, permission))
}

/// The stores in which the grants allow `permission`.
pub fn scope_for(grants: &[RoleGrant], permission: Permission) -> StoreScope {
    let mut stores = Vec::new();
    for grant in grants.iter().filter(|grant| role_allows(grant.role, permission)) {
        match &grant.store_id {
            None => return StoreScope::All,
            Some(id) if !stores.contains(id) => stores.push(id.clone()),
            Some(_) => {}
        }
    }
    StoreScope::Only(stores)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant(store: Option<&str>, role: Role) -> RoleGrant {
        RoleGrant { store_id: store.map(str::to_string), role }
    }

    #[test]
    fn auditors_read_everything_and_write_nothing() {
        for permission in Permission::ALL {
            let write = permission.as_str().ends_with("_write")
                || matches!(
                    permission,
                    Permission::StoresManage
                        | Permission::UsersManage
                        | Permission::CustomersImport
                        | Permission::OdometerReplace
                        | Permission::WarrantySettings
                        | Permission::FollowUpSupervise
                );
            assert_eq!(role_allows(Role::Auditor, permission), !write, "{permission:?}");
        }
    }

    #[test]
    fn a_store_role_reaches_only_its_store_and_a_group_role_every_store() {
        let grants = vec![grant(Some("s1"), Role::WarrantyClerk)];
        assert!(allowed(&grants, Permission::WarrantyWrite, "s1"));
        assert!(!allowed(&grants, Permission::WarrantyWrite, "s2"));
        assert_eq!(scope_for(&grants, Permission::CustomersRead), StoreScope::Only(vec!["s1".into()]));
        let admin = vec![grant(None, Role::GroupAdmin)];
        assert!(allowed(&admin, Permission::StoresManage, "any"));
        assert_eq!(scope_for(&admin, Permission::CustomersRead), StoreScope::All);
    }

    #[test]
    fn only_admins_manage_users_and_only_the_group_admin_manages_stores() {
        for role in Role::ALL {
            assert_eq!(role_allows(role, Permission::StoresManage), role == Role::GroupAdmin);
            assert_eq!(role_allows(role, Permission::UsersManage), matches!(role, Role::GroupAdmin | Role::StoreAdmin));
        }
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
    }
}
