//! Stores and users: who may create whom, and the unique names.

use claimdesk_app::AppError;
use claimdesk_app::org::{stores, users};
use claimdesk_domain::access::Role;
use claimdesk_domain::org::{GrantInput, UserInput};

use crate::helpers::{PASSWORD, World, backends, fields, has, store_input};

fn user_input(username: &str, store: Option<&str>, role: Role) -> UserInput {
    UserInput {
        username: username.into(),
        display_name: username.into(),
        password: PASSWORD.into(),
        grants: vec![GrantInput { store_id: store.map(str::to_string), role: role.as_str().into() }],
        ..UserInput::default()
    }
}

#[tokio::test]
async fn a_group_admin_creates_a_store_and_a_user_with_a_store_role() {
    for which in backends() {
        let world = World::new(which).await;
        let admin = world.person("group.admin", None, Role::GroupAdmin).await;
        let store = stores::create(&world.app, &admin, store_input("GZ01", "广州天河店")).await.expect("store");
        assert_eq!(store.code, "GZ01", "{which:?}");
        // The admin's store list was loaded before the store existed; log in again to reach it.
        let admin = world.login("group.admin").await;
        let made = users::create(&world.app, &admin, user_input("gz01.advisor", Some(&store.id), Role::ServiceAdvisor))
            .await
            .expect("user");
        assert_eq!(made.grants.len(), 1);
        assert_eq!(made.grants[0].store_id.as_deref(), Some(store.id.as_str()));
        assert_eq!(made.grants[0].role, "service_advisor");
        let advisor = world.login("gz01.advisor").await;
        assert_eq!(advisor.current_store.as_deref(), Some(store.id.as_str()), "{which:?}");
        assert_eq!(advisor.stores.len(), 1, "a store role reaches only its store");
    }
}

#[tokio::test]
async fn a_store_admin_cannot_create_a_group_admin() {
    for which in backends() {
        let world = World::new(which).await;
        let store_admin = world.person("bj01.admin", Some(&world.store_a), Role::StoreAdmin).await;
        let result = users::create(&world.app, &store_admin, user_input("sneaky", None, Role::GroupAdmin)).await;
        assert!(matches!(result, Err(AppError::Forbidden)), "{which:?}: {result:?}");
        // Nor a store role in a store they do not run.
        let result =
            users::create(&world.app, &store_admin, user_input("sneaky2", Some(&world.store_b), Role::StoreAdmin))
                .await;
        assert!(result.is_err(), "{which:?}: {result:?}");
        // In their own store they may.
        users::create(&world.app, &store_admin, user_input("bj01.new", Some(&world.store_a), Role::ServiceAdvisor))
            .await
            .expect("own store");
        let names: Vec<String> =
            users::list(&world.app, &world.system).await.unwrap().into_iter().map(|u| u.username).collect();
        assert!(!names.contains(&"sneaky".to_string()) && names.contains(&"bj01.new".to_string()), "{names:?}");
    }
}

#[tokio::test]
async fn duplicate_usernames_and_store_codes_land_on_their_fields() {
    for which in backends() {
        let world = World::new(which).await;
        let input = user_input("twice", Some(&world.store_a), Role::ServiceAdvisor);
        users::create(&world.app, &world.system, input.clone()).await.expect("first");
        let found = fields(users::create(&world.app, &world.system, input).await);
        assert_eq!(found, vec![("username".to_string(), "username_taken".to_string())], "{which:?}");

        let found = fields(stores::create(&world.app, &world.system, store_input("bj01", "又一个北京店")).await);
        assert!(has(&found, "code", "store_code_taken"), "{which:?}: {found:?}");
    }
}
