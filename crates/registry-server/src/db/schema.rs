//! Diesel's view of the tables in `migrations/{postgres,sqlite}`.

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        email -> Text,
        password_hash -> Text,
        is_admin -> SmallInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    api_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        token_hash -> Text,
        created_at -> BigInt,
        last_used_at -> Nullable<BigInt>,
    }
}

diesel::table! {
    publishers (id) {
        id -> BigInt,
        name -> Text,
        kind -> Text,
        title -> Nullable<Text>,
        description -> Nullable<Text>,
        created_at -> BigInt,
    }
}

diesel::table! {
    memberships (publisher_id, user_id) {
        publisher_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        created_at -> BigInt,
    }
}

diesel::table! {
    invitations (publisher_id, user_id) {
        publisher_id -> BigInt,
        user_id -> BigInt,
        role -> Text,
        invited_by -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    blobs (sha256) {
        sha256 -> Text,
        size -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    packages (id) {
        id -> BigInt,
        publisher_id -> BigInt,
        name -> Text,
        uuid -> Text,
        visibility -> Text,
        title -> Nullable<Text>,
        description -> Nullable<Text>,
        search_text -> Text,
        readme -> Nullable<Text>,
        latest_revision -> BigInt,
        downloads -> BigInt,
        deleted_at -> Nullable<BigInt>,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::table! {
    revisions (id) {
        id -> BigInt,
        package_id -> BigInt,
        number -> BigInt,
        descriptor -> Text,
        etag -> Text,
        published_by -> BigInt,
        created_at -> BigInt,
    }
}

diesel::table! {
    revision_files (revision_id, path) {
        revision_id -> BigInt,
        path -> Text,
        sha256 -> Text,
        size -> BigInt,
    }
}

diesel::table! {
    tags (package_id, name) {
        package_id -> BigInt,
        name -> Text,
        revision_number -> BigInt,
        created_at -> BigInt,
        updated_at -> BigInt,
    }
}

diesel::joinable!(api_tokens -> users (user_id));
diesel::joinable!(memberships -> publishers (publisher_id));
diesel::joinable!(memberships -> users (user_id));
diesel::joinable!(packages -> publishers (publisher_id));
diesel::joinable!(revisions -> packages (package_id));
diesel::joinable!(revision_files -> revisions (revision_id));
diesel::joinable!(tags -> packages (package_id));

diesel::allow_tables_to_appear_in_same_query!(
    users,
    api_tokens,
    publishers,
    memberships,
    invitations,
    blobs,
    packages,
    revisions,
    revision_files,
    tags,
);
