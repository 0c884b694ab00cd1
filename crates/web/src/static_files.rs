//! Styles and scripts are compiled into the binary: nothing is loaded from another host.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};

const FILES: &[(&str, &str, &str)] = &[
    ("app.css", "text/css; charset=utf-8", include_str!("../static/app.css")),
    ("print.css", "text/css; charset=utf-8", include_str!("../static/print.css")),
    ("app.js", "text/javascript; charset=utf-8", include_str!("../static/app.js")),
    ("print.js", "text/javascript; charset=utf-8", include_str!("../static/print.js")),
    ("favicon.svg", "image/svg+xml", include_str!("../static/favicon.svg")),
];

pub async fn serve(Path(name): Path<String>) -> Response {
    match FILES.iter().find(|(file, _, _)| *file == name) {
        Some((_, content_type, body)) => {
            ([(header::CONTENT_TYPE, *content_type), (header::CACHE_CONTROL, "public, max-age=3600")], *body)
                .into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
