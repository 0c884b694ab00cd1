//! Excel export of any list: the table the page shows, every matching row, one sheet.

use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use claimdesk_app::AppResult;
use claimdesk_app::page::Page;
use rust_xlsxwriter::{Format, Workbook};

use crate::ui::view::Table;

/// Exports stop after this many pages of 200 rows (100,000 rows).
pub const MAX_PAGES: i64 = 500;

pub fn workbook(sheet: &str, columns: &[String], rows: &[Vec<String>]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    // Excel limits sheet names to 31 characters and forbids a few symbols.
    let name: String = sheet.chars().filter(|c| !"[]:*?/\\".contains(*c)).take(31).collect();
    worksheet.set_name(if name.is_empty() { "Sheet1" } else { &name })?;
    let bold = Format::new().set_bold();
    for (col, title) in columns.iter().enumerate() {
        worksheet.write_string_with_format(0, col as u16, title, &bold)?;
        worksheet.set_column_width(col as u16, 16)?;
    }
    for (index, row) in rows.iter().enumerate() {
        for (col, value) in row.iter().enumerate() {
            worksheet.write_string(index as u32 + 1, col as u16, value)?;
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

pub fn download(sheet: &str, columns: &[String], rows: &[Vec<String>], file_name: &str) -> Response {
    match workbook(sheet, columns, rows) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(%error, "xlsx export");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Exports every row a list's filters match: fetches page after page through the same service the page uses
/// and draws each with the page's own table, so the sheet shows what the screen shows.
pub async fn export_all<T, F, Fut>(
    sheet: &str,
    file_name: &str,
    mut fetch: F,
    table: impl Fn(&[T]) -> Table,
) -> AppResult<Response>
where
    F: FnMut(i64) -> Fut,
    Fut: std::future::Future<Output = AppResult<Page<T>>>,
{
    let mut rows = Vec::new();
    let mut columns = Vec::new();
    for page in 1..=MAX_PAGES {
        let result = fetch(page).await?;
        let part = table(&result.items);
        if columns.is_empty() {
            columns = part.columns.iter().map(|column| column.label.clone()).collect();
        }
        rows.extend(part.text_rows());
        if result.page >= result.pages() {
            break;
        }
    }
    Ok(download(sheet, &columns, &rows, file_name))
}

/// The rows of an uploaded sheet: the first worksheet of an .xlsx file, or CSV text (UTF-8, a BOM and quoted
/// fields allowed). Every cell comes back as text, so the importer checks numbers itself.
pub fn read_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, claimdesk_domain::Violation> {
    use calamine::{Reader, Xlsx, open_workbook_from_rs};
    let unreadable = || claimdesk_domain::Violation::new("file", "import_unreadable");
    if bytes.starts_with(b"PK") {
        let mut workbook: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes)).map_err(|_| unreadable())?;
        let range = workbook.worksheet_range_at(0).ok_or_else(unreadable)?.map_err(|_| unreadable())?;
        return Ok(range.rows().map(|row| row.iter().map(|cell| cell.to_string()).collect()).collect());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| unreadable())?;
    Ok(text.trim_start_matches('\u{feff}').lines().map(csv_fields).collect())
}

/// One CSV line's fields: commas separate, double quotes group, two double quotes are one.
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = line.trim_end_matches('\r').chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut field)),
            (c, _) => field.push(c),
        }
    }
    fields.push(field);
    fields
}

#[cfg(test)]
mod tests {
    #[test]
    fn csv_rows_keep_quoted_commas() {
        let rows = super::read_rows(
            "\u{feff}part_no,name,price\r\nA1,\"滤清器, 机油\",1,280.00\nB2,\"a \"\"b\"\"\",3".as_bytes(),
        )
        .unwrap();
        assert_eq!(rows[1], vec!["A1", "滤清器, 机油", "1", "280.00"]);
        assert_eq!(rows[2], vec!["B2", "a \"b\"", "3"]);
    }
}
