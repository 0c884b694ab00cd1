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

/// The row-by-row error report of an import: 行号 / 列 / 值 / 原因, and the reason in English beside it.
/// Problems of the whole file (row 0) say so in the row column.
pub fn error_report(errors: &[claimdesk_domain::import::RowError]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use crate::messages::{Catalog, Locale};
    let catalog = Catalog::get();
    let zh = |key: &str| catalog.text(Locale::Zh, key).to_string();
    let columns = [
        zh("import.row"),
        zh("import.column"),
        zh("import.value"),
        zh("import.reason"),
        catalog.text(Locale::En, "import.reason").to_string(),
    ];
    let rows: Vec<Vec<String>> = errors
        .iter()
        .map(|error| {
            vec![
                if error.row == 0 { zh("import.whole_file") } else { error.row.to_string() },
                error.column.to_string(),
                error.value.clone(),
                catalog.violation(Locale::Zh, &error.violation),
                catalog.violation(Locale::En, &error.violation),
            ]
        })
        .collect();
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(zh("import.report_sheet"))?;
    let bold = Format::new().set_bold();
    let text = Format::new().set_num_format("@");
    for (col, (title, width)) in columns.iter().zip([8.0, 16.0, 24.0, 48.0, 48.0]).enumerate() {
        worksheet.write_string_with_format(0, col as u16, title, &bold)?;
        worksheet.set_column_width(col as u16, width)?;
    }
    for (index, row) in rows.iter().enumerate() {
        let line = index as u32 + 1;
        match row[0].parse::<f64>() {
            Ok(number) => worksheet.write_number(line, 0, number)?,
            Err(_) => worksheet.write_string(line, 0, &row[0])?,
        };
        for (col, value) in row.iter().enumerate().skip(1) {
            worksheet.write_string_with_format(line, col as u16, value, &text)?;
        }
    }
    worksheet.set_freeze_panes(1, 0)?;
    worksheet.autofilter(0, 0, rows.len() as u32, columns.len() as u16 - 1)?;
    workbook.save_to_buffer()
}

/// The import template: the header (required columns marked `*`) and one example row. Every column is
/// formatted as text so that Excel keeps phones and ID numbers whole; dates and amounts typed as text
/// are read just as well.
pub fn import_template(sheet: &str) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use claimdesk_domain::import::COLUMNS;
    let mut workbook = Workbook::new();
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet)?;
    let bold = Format::new().set_bold();
    let required = Format::new().set_bold().set_font_color("#C00000");
    let text = Format::new().set_num_format("@");
    for (col, spec) in COLUMNS.iter().enumerate() {
        let col = col as u16;
        let title = spec.template_header();
        worksheet.set_column_format(col, &text)?;
        worksheet.set_column_width(col, (title.chars().count() as f64 * 2.2).max(12.0))?;
        worksheet.write_string_with_format(0, col, &title, if spec.required { &required } else { &bold })?;
        worksheet.write_string_with_format(1, col, spec.example, &text)?;
    }
    worksheet.set_freeze_panes(1, 0)?;
    workbook.save_to_buffer()
}

/// An xlsx file as a download.
pub fn xlsx_response(bytes: Vec<u8>, file_name: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file_name}\"")),
        ],
        bytes,
    )
        .into_response()
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
