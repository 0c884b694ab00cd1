//! Attachments: the type decided from the bytes, the limit, one copy per hash, store scoping, removal with
//! an audit trail, and the hashes found on other records (the mis-claim check's input).

use claimdesk_app::attachments::{self, Owner, Upload};
use claimdesk_app::repair_orders::{self, RepairOrderInput};
use claimdesk_app::{AppError, audit};
use claimdesk_domain::access::Role;
use claimdesk_domain::attachment::OwnerKind;

use crate::helpers::{World, backends, fields, has};

const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 2, 3];

fn photo(bytes: &[u8], name: &str) -> Upload {
    Upload { kind: "photo".into(), file_name: name.into(), bytes: bytes.to_vec(), note: "左前门".into() }
}

async fn order(world: &World, actor: &claimdesk_app::Actor, serial: u32) -> String {
    let customer = world.customer(actor, "周小川", serial).await;
    let input = RepairOrderInput {
        vehicle_id: customer.vehicles[0].id.clone(),
        kind: "repair".into(),
        mileage_in: Some(8_000),
        complaint: "异响".into(),
        ..RepairOrderInput::default()
    };
    repair_orders::create(&world.app, actor, input).await.expect("repair order").id
}

#[tokio::test]
async fn a_photo_is_kept_once_per_hash_and_read_back_byte_for_byte() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        let first = order(&world, &advisor, 1).await;
        let second = order(&world, &advisor, 2).await;
        let owner = Owner::new(OwnerKind::RepairOrder, &first);

        let row =
            attachments::upload(&world.app, &advisor, owner.clone(), photo(JPEG, "C:\\相册\\门.jpg")).await.unwrap();
        assert_eq!(
            (row.file_name.as_str(), row.content_type.as_str(), row.kind.as_str()),
            ("门.jpg", "image/jpeg", "photo")
        );
        assert_eq!(row.size, JPEG.len() as i64);
        let again = attachments::upload(
            &world.app,
            &advisor,
            Owner::new(OwnerKind::RepairOrder, &second),
            photo(JPEG, "b.jpg"),
        )
        .await
        .unwrap();
        assert_eq!(again.hash, row.hash, "{which:?}");
        assert_eq!(world.count("attachment_blobs").await, 1, "{which:?}: the bytes are stored once");
        assert_eq!(world.count("attachments").await, 2, "{which:?}");

        let (read, bytes) = attachments::content(&world.app, &advisor, &row.id).await.unwrap();
        assert_eq!((read.id, bytes), (row.id.clone(), JPEG.to_vec()), "{which:?}");
        let listed = attachments::list(&world.app, &advisor, owner.clone()).await.unwrap();
        assert_eq!(listed.iter().map(|r| r.id.as_str()).collect::<Vec<_>>(), vec![row.id.as_str()]);

        let elsewhere = world
            .app
            .db
            .read(claimdesk_store::job({
                let (store, owner, hash) = (world.store_a.clone(), owner.clone(), row.hash.clone());
                move |tx| Box::pin(async move { attachments::used_elsewhere_in(tx, &store, &owner, &[hash]).await })
            }))
            .await
            .unwrap();
        assert_eq!(elsewhere, vec![("repair_order".to_string(), second.clone(), row.hash.clone())], "{which:?}");

        let history = audit::history(&world.app, "repair_order", first.clone()).await.unwrap();
        assert!(history.iter().any(|entry| entry.action == "attach"), "{which:?}: {history:?}");
    }
}

#[tokio::test]
async fn a_file_of_the_wrong_type_or_size_is_refused_and_nothing_is_written() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        let id = order(&world, &advisor, 3).await;
        let owner = Owner::new(OwnerKind::RepairOrder, &id);

        let found = fields(
            attachments::upload(&world.app, &advisor, owner.clone(), photo(b"<script>alert(1)</script>", "x.jpg"))
                .await,
        );
        assert!(has(&found, "file", "file_type_not_allowed"), "{which:?}: {found:?}");
        let mut big = JPEG.to_vec();
        big.resize(world.app.settings.max_upload_bytes + 1, 7);
        let found = fields(attachments::upload(&world.app, &advisor, owner.clone(), photo(&big, "big.jpg")).await);
        assert!(has(&found, "file", "file_too_large"), "{which:?}: {found:?}");
        let mut wrong_kind = photo(JPEG, "a.jpg");
        wrong_kind.kind = "video".into();
        let found = fields(attachments::upload(&world.app, &advisor, owner.clone(), wrong_kind).await);
        assert!(has(&found, "kind", "unknown_value"), "{which:?}: {found:?}");
        assert_eq!(world.count("attachments").await, 0, "{which:?}");
        assert_eq!(world.count("attachment_blobs").await, 0, "{which:?}");
    }
}

#[tokio::test]
async fn another_stores_files_are_not_found_and_readers_cannot_add_or_remove() {
    for which in backends() {
        let world = World::new(which).await;
        let advisor = world.person("bj01.advisor", Some(&world.store_a), Role::ServiceAdvisor).await;
        let other = world.person("sh01.advisor", Some(&world.store_b), Role::ServiceAdvisor).await;
        let auditor = world.person("bj01.auditor", Some(&world.store_a), Role::Auditor).await;
        let id = order(&world, &advisor, 4).await;
        let owner = Owner::new(OwnerKind::RepairOrder, &id);
        let row = attachments::upload(&world.app, &advisor, owner.clone(), photo(JPEG, "a.jpg")).await.unwrap();

        assert!(
            matches!(attachments::content(&world.app, &other, &row.id).await, Err(AppError::NotFound)),
            "{which:?}"
        );
        assert!(matches!(attachments::list(&world.app, &other, owner.clone()).await, Err(AppError::NotFound)));
        assert!(matches!(
            attachments::upload(&world.app, &other, owner.clone(), photo(JPEG, "b.jpg")).await,
            Err(AppError::NotFound)
        ));
        assert!(matches!(attachments::remove(&world.app, &other, &row.id).await, Err(AppError::NotFound)));

        assert!(attachments::content(&world.app, &auditor, &row.id).await.is_ok(), "{which:?}: the auditor reads");
        assert!(matches!(
            attachments::upload(&world.app, &auditor, owner.clone(), photo(JPEG, "c.jpg")).await,
            Err(AppError::Forbidden)
        ));
        assert!(matches!(attachments::remove(&world.app, &auditor, &row.id).await, Err(AppError::Forbidden)));

        attachments::remove(&world.app, &advisor, &row.id).await.unwrap();
        assert!(attachments::list(&world.app, &advisor, owner).await.unwrap().is_empty(), "{which:?}");
        assert!(matches!(attachments::get(&world.app, &advisor, &row.id).await, Err(AppError::NotFound)));
        let history = audit::history(&world.app, "repair_order", id.clone()).await.unwrap();
        assert!(history.iter().any(|entry| entry.action == "detach"), "{which:?}");
    }
}
