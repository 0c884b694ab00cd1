//! The page patterns of UI.md as plain data: a list, a detail, a form and a print layout. Every page fills
//! one of these, and one template per pattern draws it, so every page looks and behaves alike.

use claimdesk_domain::Violations;

use crate::messages::{Catalog, Locale};

/// A link or a button. A `post` action is a small form carrying the CSRF token.
#[derive(Debug, Clone, Default)]
pub struct Action {
    pub label: String,
    pub href: String,
    pub post: bool,
    pub primary: bool,
    pub confirm: Option<String>,
}

impl Action {
    pub fn link(label: impl Into<String>, href: impl Into<String>) -> Action {
        Action { label: label.into(), href: href.into(), ..Action::default() }
    }

    pub fn post(label: impl Into<String>, href: impl Into<String>) -> Action {
        Action { label: label.into(), href: href.into(), post: true, ..Action::default() }
    }

    pub fn primary(mut self) -> Action {
        self.primary = true;
        self
    }

    pub fn confirm(mut self, text: impl Into<String>) -> Action {
        self.confirm = Some(text.into());
        self
    }
}

#[derive(Debug, Clone, Default)]
pub struct Cell {
    pub text: String,
    pub href: Option<String>,
    /// A coloured state tag (`tag-green`, `tag-red`, …) instead of plain text.
    pub tag: Option<String>,
    pub right: bool,
    pub mono: bool,
}

impl Cell {
    pub fn text(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), ..Cell::default() }
    }

    pub fn link(text: impl Into<String>, href: impl Into<String>) -> Cell {
        Cell { text: text.into(), href: Some(href.into()), ..Cell::default() }
    }

    pub fn tag(text: impl Into<String>, class: &str) -> Cell {
        Cell { text: text.into(), tag: Some(class.to_string()), ..Cell::default() }
    }

    pub fn money(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), right: true, mono: true, ..Cell::default() }
    }

    pub fn mono(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), mono: true, ..Cell::default() }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Column {
    pub label: String,
    pub right: bool,
    /// A link that sorts by this column, when it sorts.
    pub sort_href: Option<String>,
    pub sorted: bool,
}

impl Column {
    pub fn new(label: impl Into<String>) -> Column {
        Column { label: label.into(), ..Column::default() }
    }

    pub fn right(label: impl Into<String>) -> Column {
        Column { label: label.into(), right: true, ..Column::default() }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Row {
    pub cells: Vec<Cell>,
    /// Marked red (an overdue row).
    pub alert: bool,
}

#[derive(Debug, Clone, Default)]
pub struct Table {
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
    pub empty: String,
}

impl Table {
    /// The table as plain text rows, for Excel.
    pub fn text_rows(&self) -> Vec<Vec<String>> {
        self.rows.iter().map(|row| row.cells.iter().map(|cell| cell.text.clone()).collect()).collect()
    }
}

/// One filter of a list's filter bar (a GET form).
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub name: String,
    pub label: String,
    pub value: String,
    pub placeholder: String,
    pub options: Vec<(String, String)>,
}

#[derive(Debug, Clone, Default)]
pub struct Pager {
    pub summary: String,
    pub page_label: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

#[derive(Debug, Clone, Default)]
pub struct ListView {
    pub title: String,
    pub action_path: String,
    pub filters: Vec<Filter>,
    pub actions: Vec<Action>,
    pub table: Table,
    pub pager: Pager,
}

/// A card of a detail page: label–value pairs, or a table, or both.
#[derive(Debug, Clone, Default)]
pub struct Section {
    pub title: String,
    pub pairs: Vec<(String, String)>,
    pub table: Option<Table>,
    pub actions: Vec<Action>,
    /// A small form inside the card (e.g. change owner).
    pub form: Option<FormView>,
    /// Preformatted documentation text.
    pub doc: Option<String>,
    /// Files kept on the record, with the form that adds one.
    pub gallery: Option<Gallery>,
}

/// The files of a record: thumbnails for photos, links for documents, and an upload form when the person
/// may add files.
#[derive(Debug, Clone, Default)]
pub struct Gallery {
    pub items: Vec<GalleryItem>,
    pub empty: String,
    pub upload: Option<UploadForm>,
}

#[derive(Debug, Clone, Default)]
pub struct GalleryItem {
    pub href: String,
    pub name: String,
    /// The kind and size, e.g. "照片 · 2.1 MB".
    pub caption: String,
    pub image: bool,
    pub remove: Option<Action>,
}

#[derive(Debug, Clone, Default)]
pub struct UploadForm {
    pub action: String,
    pub kinds: Vec<(String, String)>,
    pub accept: String,
    pub hint: String,
    pub submit: String,
    pub file_label: String,
    pub kind_label: String,
    pub note_label: String,
}

#[derive(Debug, Clone, Default)]
pub struct TimelineEntry {
    pub at: String,
    pub who: String,
    pub what: String,
    pub detail: String,
}

#[derive(Debug, Clone, Default)]
pub struct DetailView {
    pub title: String,
    pub subtitle: String,
    pub state: Option<(String, String)>,
    pub actions: Vec<Action>,
    pub sections: Vec<Section>,
    pub timeline: Vec<TimelineEntry>,
    pub due: Option<Table>,
}

#[derive(Debug, Clone, Default)]
pub struct Field {
    pub name: String,
    pub label: String,
    /// text, number, date, datetime-local, select, textarea, password, checkbox, hidden
    pub kind: String,
    pub value: String,
    pub required: bool,
    pub error: Option<String>,
    pub options: Vec<(String, String)>,
    pub hint: Option<String>,
    /// `upper` makes the input upper-case and strip spaces as the user types (VIN, plate).
    pub normalize: Option<String>,
    pub autocomplete: Option<String>,
    pub wide: bool,
}

impl Field {
    pub fn text(name: &str, label: impl Into<String>, value: impl Into<String>) -> Field {
        Field {
            name: name.to_string(),
            label: label.into(),
            kind: "text".into(),
            value: value.into(),
            ..Field::default()
        }
    }

    pub fn kind(mut self, kind: &str) -> Field {
        self.kind = kind.to_string();
        self
    }

    pub fn required(mut self) -> Field {
        self.required = true;
        self
    }

    pub fn options(mut self, options: Vec<(String, String)>) -> Field {
        self.kind = "select".into();
        self.options = options;
        self
    }

    pub fn upper(mut self) -> Field {
        self.normalize = Some("upper".into());
        self
    }

    /// `code` makes the input upper-case without spaces but keeps hyphens (part numbers, operation codes).
    pub fn code(mut self) -> Field {
        self.normalize = Some("code".into());
        self
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Field {
        self.hint = Some(hint.into());
        self
    }

    pub fn wide(mut self) -> Field {
        self.wide = true;
        self
    }

    pub fn id(&self) -> String {
        format!("f-{}", self.name.replace(['.', '[', ']'], "-"))
    }

    pub fn is_selected(&self, option: &str) -> bool {
        self.value == option
    }
}

#[derive(Debug, Clone, Default)]
pub struct FieldGroup {
    pub title: String,
    pub fields: Vec<Field>,
}

/// Rows of repeated inputs (repair-order lines): each row has the same columns; errors per cell.
#[derive(Debug, Clone, Default)]
pub struct LineTable {
    pub title: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Field>>,
}

#[derive(Debug, Clone, Default)]
pub struct FormView {
    pub title: String,
    pub action: String,
    pub groups: Vec<FieldGroup>,
    pub lines: Vec<LineTable>,
    pub submit: String,
    /// A second submit button posting the same fields elsewhere (label, URL), e.g. 打印.
    pub secondary_submit: Option<(String, String)>,
    pub cancel_href: Option<String>,
    /// Shown above the form when the input came back with errors.
    pub error_summary: Option<String>,
    /// Errors that belong to no field on the form.
    pub other_errors: Vec<String>,
}

impl FormView {
    /// Puts each violation's message under its field; the rest are listed on top.
    pub fn apply_errors(&mut self, violations: &Violations, locale: Locale) {
        let catalog = Catalog::get();
        let messages = violations.iter().map(|v| (v.field.clone(), catalog.violation(locale, v))).collect();
        self.apply_messages(messages, locale);
    }

    /// Puts each (field, message) under its field; the rest are listed on top.
    pub fn apply_messages(&mut self, messages: Vec<(String, String)>, locale: Locale) {
        self.error_summary = Some(Catalog::get().text(locale, "form.errors").to_string());
        for (name, message) in messages {
            let field = self
                .groups
                .iter_mut()
                .flat_map(|group| group.fields.iter_mut())
                .chain(self.lines.iter_mut().flat_map(|lines| lines.rows.iter_mut().flatten()))
                .find(|field| field.name == name);
            match field {
                Some(field) => field.error = Some(message),
                None => self.other_errors.push(message),
            }
        }
    }
}

/// A printed form: title, the store and form number in the header, label–value tables, signature lines.
#[derive(Debug, Clone, Default)]
pub struct PrintView {
    pub title: String,
    pub store_name: String,
    pub form_no: String,
    pub printed_at: String,
    pub sections: Vec<Section>,
    pub signatures: Vec<String>,
}
