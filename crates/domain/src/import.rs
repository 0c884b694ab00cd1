//! Importing customers with their vehicles from a spreadsheet (客户档案导入): the template's columns, how a
//! header is recognised, how each cell becomes the text the validators expect, and the checks that span
//! rows (the same VIN twice, one mobile under two names).
//!
//! The column headers are part of the file format a store fills in, like the VIN alphabet, so they live
//! here as data; the words a person reads about an error still come from the web crate's catalogues.
//!
//! Rows are numbered as Excel numbers them (the header is usually row 1), so a clerk can go straight to
//! the cell. One row is one vehicle with its owner: rows with the same mobile and the same name are one
//! customer with several vehicles (old systems export one row per car), the customer's fields taken from
//! the first of those rows.

use jiff::civil::Date;
use serde::Serialize;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::customer::{self, CustomerInput, ValidCustomer};
use crate::vehicle::{self, ValidVehicle, VehicleInput};
use crate::violation::{Violation, Violations};

/// A spreadsheet cell as read from xlsx or CSV, before any interpretation.
#[derive(Debug, Clone, PartialEq)]
pub enum CellValue {
    Empty,
    Text(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    /// A cell Excel formats as a date (or date and time; the time is dropped).
    Date(Date),
}

impl CellValue {
    pub fn is_blank(&self) -> bool {
        match self {
            CellValue::Empty => true,
            CellValue::Text(text) => text.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as a person would read it: integers without `.0`, dates as `YYYY-MM-DD`.
    pub fn display(&self) -> String {
        match self {
            CellValue::Empty => String::new(),
            CellValue::Text(text) => text.trim().to_string(),
            CellValue::Int(value) => value.to_string(),
            CellValue::Float(value) => float_text(*value),
            CellValue::Bool(value) => value.to_string(),
            CellValue::Date(date) => date.to_string(),
        }
    }
}

/// The shortest text that reads back as the same number, without a trailing `.0`.
fn float_text(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 { format!("{}", value as i64) } else { format!("{value}") }
}

/// How a column's cells are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// Digits that Excel likes to turn into numbers (phones, ID numbers): long numbers have lost digits.
    Digits,
    Powertrain,
    UseNature,
    Date,
    Money,
    Integer,
}

/// One column of the import template.
#[derive(Debug, Clone, Copy)]
pub struct ColumnSpec {
    /// The header in the template, without the `*` of a required column.
    pub header: &'static str,
    /// The input field the column fills: a customer field, or a vehicle field for `vehicle` columns.
    pub field: &'static str,
    pub vehicle: bool,
    pub required: bool,
    pub kind: Kind,
    /// Other headers accepted for this column (English names, other systems' words).
    pub aliases: &'static [&'static str],
    /// The example row of the template.
    pub example: &'static str,
}

impl ColumnSpec {
    /// The header as the template writes it: `客户名称*` for a required column.
    pub fn template_header(&self) -> String {
        if self.required { format!("{}*", self.header) } else { self.header.to_string() }
    }
}

pub(crate) const fn col(
    header: &'static str,
    field: &'static str,
    vehicle: bool,
    kind: Kind,
    aliases: &'static [&'static str],
    example: &'static str,
) -> ColumnSpec {
    ColumnSpec { header, field, vehicle, required: false, kind, aliases, example }
}

pub(crate) const fn required(spec: ColumnSpec) -> ColumnSpec {
    ColumnSpec { required: true, ..spec }
}

/// The template's columns in order.
pub const COLUMNS: [ColumnSpec; 24] = [
    required(col(
        "客户名称",
        "name",
        false,
        Kind::Text,
        &["客户姓名", "姓名", "车主", "customer name", "customer"],
        "王建国",
    )),
    col("手机", "mobile", false, Kind::Digits, &["手机号", "手机号码", "移动电话", "mobile phone"], "13800138000"),
    col("固定电话", "phone", false, Kind::Text, &["电话", "座机", "landline", "telephone"], "010-62345678"),
    col(
        "身份证号",
        "resident_id",
        false,
        Kind::Digits,
        &["身份证", "身份证号码", "证件号码", "resident id number", "id number"],
        "",
    ),
    col("地址", "address", false, Kind::Text, &["联系地址", "住址"], "北京市海淀区中关村大街1号"),
    col("区域", "area", false, Kind::Text, &["地区", "region"], "海淀"),
    required(col(
        "车架号(VIN)",
        "vin",
        true,
        Kind::Text,
        &["车架号", "VIN码", "车辆识别代号", "vin code"],
        "LSVAU218XN2183294",
    )),
    col(
        "车牌号",
        "plate",
        true,
        Kind::Text,
        &["车牌", "车牌号码", "plate number", "licence plate", "license plate"],
        "京A12345",
    ),
    col("品牌", "brand", true, Kind::Text, &["make"], "大众"),
    col("车型", "model", true, Kind::Text, &[], "帕萨特 330TSI"),
    col("车种", "vehicle_type", true, Kind::Text, &["车辆类型", "type"], "轿车"),
    col("颜色", "color", true, Kind::Text, &["车身颜色", "colour"], "白色"),
    col("发动机号", "engine_no", true, Kind::Text, &["发动机号码", "engine number"], "DKV123456"),
    col("动力类型", "powertrain", true, Kind::Powertrain, &["能源类型", "燃料类型"], "燃油"),
    col("使用性质", "use_nature", true, Kind::UseNature, &["use"], "家庭自用"),
    col("购车发票日期", "invoice_on", true, Kind::Date, &["发票日期", "购车日期", "invoice date"], "2023-06-18"),
    col("交车日期", "delivered_on", true, Kind::Date, &["交付日期", "delivery date", "delivered"], "2023-06-20"),
    col("车价", "sale_price", true, Kind::Money, &["购车价格", "车辆价格", "price"], "189900.00"),
    col("当前里程", "odometer_km", true, Kind::Integer, &["里程", "行驶里程", "odometer", "mileage"], "15230"),
    col(
        "下次保养日期",
        "next_maintenance_on",
        false,
        Kind::Date,
        &["next maintenance", "next maintenance date"],
        "2024-12-20",
    ),
    col(
        "保养周期(公里)",
        "maintenance_interval_km",
        false,
        Kind::Integer,
        &["保养里程间隔", "maintenance interval (km)"],
        "10000",
    ),
    col(
        "保养周期(月)",
        "maintenance_interval_months",
        false,
        Kind::Integer,
        &["保养时间间隔", "maintenance interval (months)"],
        "6",
    ),
    col(
        "客户希望得到的服务",
        "wanted_services",
        false,
        Kind::Text,
        &["希望得到的服务", "wanted services", "services wanted"],
        "上门取送车",
    ),
    col("备注", "notes", false, Kind::Text, &["说明", "remarks", "note"], ""),
];

/// The most data rows one file may carry.
pub const MAX_ROWS: usize = 200_000;
/// How many parsed rows a preview shows.
pub const SAMPLE_ROWS: usize = 20;
/// Rows searched for the header row (old systems put a title or a blank row above it).
const HEADER_SEARCH_ROWS: usize = 10;

/// One problem: the row as Excel numbers it (0 for the file as a whole), the column's header, the value
/// found, and the violation (its field is the input field, `vin`, `mobile`, or `file`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    pub row: u32,
    pub column: &'static str,
    pub value: String,
    #[serde(flatten)]
    pub violation: Violation,
}

impl RowError {
    pub fn file(violation: Violation) -> RowError {
        RowError { row: 0, column: "", value: String::new(), violation }
    }

    /// A problem of the file as a whole, such as an unreadable workbook.
    pub fn whole_file(code: &'static str) -> RowError {
        RowError::file(Violation::new("file", code))
    }

    /// The VIN of `row` is already registered in the store (found by the service, not in the file).
    pub fn vin_taken(row: u32, vin: &str) -> RowError {
        RowError {
            row,
            column: COLUMNS[VIN].header,
            value: vin.to_string(),
            violation: Violation::new("vin", "vin_taken"),
        }
    }

    /// The path the API reports: `rows[12].vin`, or `file`.
    pub fn api_field(&self) -> String {
        if self.row == 0 { "file".to_string() } else { format!("rows[{}].{}", self.row, self.violation.field) }
    }
}

/// A data row as the preview shows it: its row number and each template column's value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SampleRow {
    pub row: u32,
    pub values: Vec<String>,
}

/// A customer ready to write, with the rows it came from.
#[derive(Debug, Clone)]
pub struct PlannedCustomer {
    pub row: u32,
    pub customer: ValidCustomer,
    pub vehicles: Vec<PlannedVehicle>,
}

#[derive(Debug, Clone)]
pub struct PlannedVehicle {
    pub row: u32,
    pub vehicle: ValidVehicle,
}

/// The outcome of checking a file: what would be written, and every problem found.
#[derive(Debug, Clone, Default)]
pub struct Checked {
    /// Data rows (blank rows not counted).
    pub rows: usize,
    /// Rows without any problem.
    pub valid: usize,
    pub customers: Vec<PlannedCustomer>,
    pub errors: Vec<RowError>,
    pub sample: Vec<SampleRow>,
}

impl Checked {
    pub fn vehicle_count(&self) -> usize {
        self.customers.iter().map(|customer| customer.vehicles.len()).sum()
    }
}

const NAME: usize = 0;
const MOBILE: usize = 1;
const VIN: usize = 6;

/// A header reduced to what matters: no spaces, no `*`, no brackets or separators, lower case.
fn normalize_header(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !"*＊()（）[]【】_-.:：".contains(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Which template column a header names, if any.
pub fn match_header(text: &str) -> Option<usize> {
    match_header_in(&COLUMNS, text)
}

/// Which of `columns` a header names (its template header, its field name or an alias), if any. Other
/// imports (a campaign's VIN list) describe their own columns and read them the same way.
pub fn match_header_in(columns: &[ColumnSpec], text: &str) -> Option<usize> {
    let wanted = normalize_header(text);
    if wanted.is_empty() {
        return None;
    }
    columns.iter().position(|spec| {
        normalize_header(spec.header) == wanted
            || normalize_header(spec.field) == wanted
            || spec.aliases.iter().any(|alias| normalize_header(alias) == wanted)
    })
}

/// Finds the header row: the first of the top rows that names both required columns.
fn find_header(table: &[Vec<CellValue>]) -> Option<(usize, Vec<Option<usize>>)> {
    find_header_in(table, &COLUMNS, &[NAME, VIN])
}

/// The first of the top rows that names every column in `needed`, and which of `columns` each cell names.
pub fn find_header_in(
    table: &[Vec<CellValue>],
    columns: &[ColumnSpec],
    needed: &[usize],
) -> Option<(usize, Vec<Option<usize>>)> {
    table.iter().take(HEADER_SEARCH_ROWS).enumerate().find_map(|(index, row)| {
        let mapping: Vec<Option<usize>> = row.iter().map(|cell| match_header_in(columns, &cell.display())).collect();
        needed.iter().all(|column| mapping.contains(&Some(*column))).then_some((index, mapping))
    })
}

/// The non-blank rows below the header, each with its row number as Excel shows it.
pub fn data_rows(table: &[Vec<CellValue>], header_index: usize) -> Vec<(u32, &Vec<CellValue>)> {
    table
        .iter()
        .enumerate()
        .skip(header_index + 1)
        .filter(|(_, row)| !row.iter().all(CellValue::is_blank))
        .map(|(index, row)| (index as u32 + 1, row))
        .collect()
}

/// Checks a whole sheet. `table[0]` is Excel's row 1; `today` bounds the dates, as in the forms.
pub fn check(table: &[Vec<CellValue>], today: Date) -> Checked {
    let mut checked = Checked::default();
    let Some((header_index, mapping)) = find_header(table) else {
        let names = COLUMNS.iter().filter(|spec| spec.required).map(|spec| spec.header).collect::<Vec<_>>();
        checked
            .errors
            .push(RowError::file(Violation::new("file", "import_header_missing").with("columns", names.join("、"))));
        return checked;
    };
    // Each template column's position in the file; a column named twice is an error, unknown ones are ignored.
    let mut positions: [Option<usize>; COLUMNS.len()] = [None; COLUMNS.len()];
    for (position, column) in mapping.iter().enumerate() {
        let Some(column) = *column else { continue };
        if positions[column].is_some() {
            checked.errors.push(RowError {
                row: header_index as u32 + 1,
                column: COLUMNS[column].header,
                value: table[header_index][position].display(),
                violation: Violation::new("file", "import_duplicate_column"),
            });
        } else {
            positions[column] = Some(position);
        }
    }
    if !checked.errors.is_empty() {
        return checked;
    }
    let data = data_rows(table, header_index);
    checked.rows = data.len();
    if data.is_empty() {
        checked.errors.push(RowError::whole_file("import_empty"));
        return checked;
    }
    if data.len() > MAX_ROWS {
        checked.errors.push(RowError::file(Violation::new("file", "import_too_many_rows").with("max", MAX_ROWS)));
        return checked;
    }
    let mut vins: HashMap<String, u32> = HashMap::with_capacity(data.len());
    // A mobile's first row: its customer's index in `checked.customers` (none when that row was invalid).
    let mut mobiles: HashMap<String, (u32, String, Option<usize>)> = HashMap::with_capacity(data.len());
    for (row_number, row) in data {
        let cells: Vec<&CellValue> =
            positions.iter().map(|p| p.and_then(|p| row.get(p)).unwrap_or(&CellValue::Empty)).collect();
        let parsed = parse_row(row_number, &cells, today);
        if checked.sample.len() < SAMPLE_ROWS {
            checked.sample.push(SampleRow { row: row_number, values: parsed.texts.clone() });
        }
        let mut errors = parsed.errors;
        if let Some(vehicle) = &parsed.vehicle {
            match vins.entry(vehicle.vin.as_str().to_string()) {
                Entry::Occupied(first) => errors.push(RowError {
                    row: row_number,
                    column: COLUMNS[VIN].header,
                    value: vehicle.vin.as_str().to_string(),
                    violation: Violation::new("vin", "import_duplicate_vin").with("row", first.get()),
                }),
                Entry::Vacant(slot) => {
                    slot.insert(row_number);
                }
            }
        }
        // Rows with the same mobile and name are one customer; the same mobile under another name is an error.
        let mut owner = None;
        if let Some(mobile) = parsed.customer.as_ref().and_then(|c| c.mobile.as_ref()) {
            let name = parsed.customer.as_ref().map(|c| c.name.clone()).unwrap_or_default();
            if let Some((first_row, first_name, index)) = mobiles.get(mobile.as_str()) {
                if *first_name == name {
                    owner = Some(*index);
                } else {
                    errors.push(RowError {
                        row: row_number,
                        column: COLUMNS[MOBILE].header,
                        value: mobile.as_str().to_string(),
                        violation: Violation::new("mobile", "import_duplicate_mobile")
                            .with("row", first_row)
                            .with("name", first_name),
                    });
                }
            }
        }
        if !errors.is_empty() {
            checked.errors.extend(errors);
            continue;
        }
        checked.valid += 1;
        let (Some(customer), Some(vehicle)) = (parsed.customer, parsed.vehicle) else { continue };
        let planned_vehicle = PlannedVehicle { row: row_number, vehicle };
        match owner {
            Some(Some(index)) => checked.customers[index].vehicles.push(planned_vehicle),
            // The first row of this mobile was invalid: the file is rejected anyway, nothing to group.
            Some(None) => {}
            None => {
                if let Some(mobile) = &customer.mobile {
                    mobiles.insert(
                        mobile.as_str().to_string(),
                        (row_number, customer.name.clone(), Some(checked.customers.len())),
                    );
                }
                checked.customers.push(PlannedCustomer { row: row_number, customer, vehicles: vec![planned_vehicle] });
            }
        }
    }
    checked
}

struct ParsedRow {
    texts: Vec<String>,
    customer: Option<ValidCustomer>,
    vehicle: Option<ValidVehicle>,
    errors: Vec<RowError>,
}

fn parse_row(row: u32, cells: &[&CellValue], today: Date) -> ParsedRow {
    let mut errors = Vec::new();
    let mut texts = Vec::with_capacity(COLUMNS.len());
    let mut numbers: [Option<i64>; COLUMNS.len()] = [None; COLUMNS.len()];
    for (index, (spec, cell)) in COLUMNS.iter().zip(cells).enumerate() {
        let (text, problem) = cell_text(spec, cell);
        if let Some(code) = problem {
            errors.push(RowError {
                row,
                column: spec.header,
                value: cell.display(),
                violation: Violation::new(spec.field, code).with("found", cell.display()),
            });
        }
        if spec.kind == Kind::Integer && !text.is_empty() {
            match text.parse::<i64>() {
                Ok(number) => numbers[index] = Some(number),
                Err(_) => errors.push(RowError {
                    row,
                    column: spec.header,
                    value: text.clone(),
                    violation: Violation::new(spec.field, "number_format").with("found", &text),
                }),
            }
        }
        texts.push(text);
    }
    let text = |field: &str| -> String {
        COLUMNS.iter().position(|spec| spec.field == field).map(|i| texts[i].clone()).unwrap_or_default()
    };
    let optional = |field: &str| Some(text(field)).filter(|t| !t.is_empty());
    let number =
        |field: &str| -> Option<i64> { COLUMNS.iter().position(|spec| spec.field == field).and_then(|i| numbers[i]) };
    let customer_input = CustomerInput {
        name: text("name"),
        mobile: text("mobile"),
        phone: text("phone"),
        resident_id: text("resident_id"),
        address: text("address"),
        area: text("area"),
        next_maintenance_on: optional("next_maintenance_on"),
        maintenance_interval_km: number("maintenance_interval_km"),
        maintenance_interval_months: number("maintenance_interval_months"),
        wanted_services: text("wanted_services"),
        notes: text("notes"),
        ..CustomerInput::default()
    };
    let vehicle_input = VehicleInput {
        vin: text("vin"),
        plate: text("plate"),
        brand: text("brand"),
        model: text("model"),
        vehicle_type: text("vehicle_type"),
        color: text("color"),
        engine_no: text("engine_no"),
        powertrain: text("powertrain"),
        use_nature: text("use_nature"),
        invoice_on: optional("invoice_on"),
        delivered_on: optional("delivered_on"),
        sale_price: optional("sale_price"),
        odometer_km: number("odometer_km"),
    };
    // A cell that could not be read already has its error; the validators would only repeat it.
    let already: Vec<&'static str> = errors.iter().map(|e: &RowError| e.column).collect();
    let mut report = |violations: Violations, vehicle: bool| {
        for violation in violations.0 {
            let spec = COLUMNS.iter().find(|spec| spec.vehicle == vehicle && spec.field == violation.field);
            let column = spec.map(|spec| spec.header).unwrap_or("");
            if already.contains(&column) && !column.is_empty() {
                continue;
            }
            let value = COLUMNS
                .iter()
                .position(|spec| spec.header == column && !column.is_empty())
                .map(|i| texts[i].clone())
                .unwrap_or_default();
            errors.push(RowError { row, column, value, violation });
        }
    };
    let customer = customer::validate(&customer_input, today).map_err(|v| report(v, false)).ok();
    let vehicle = vehicle::validate(&vehicle_input, today).map_err(|v| report(v, true)).ok();
    ParsedRow { texts, customer, vehicle, errors }
}

/// The text a validator expects from a cell, and the code of a problem found while reading it.
fn cell_text(spec: &ColumnSpec, cell: &CellValue) -> (String, Option<&'static str>) {
    match (spec.kind, cell) {
        (_, CellValue::Empty) => (String::new(), None),
        // Excel keeps 15 significant digits: an 18-digit ID number typed as a number has lost its end.
        (Kind::Digits, CellValue::Float(value)) if value.abs() >= 1e15 => {
            (float_text(*value), Some("import_number_precision"))
        }
        (Kind::Date, CellValue::Date(date)) => (date.to_string(), None),
        (Kind::Date, CellValue::Int(serial)) => excel_serial_date(*serial as f64),
        (Kind::Date, CellValue::Float(serial)) => excel_serial_date(*serial),
        (Kind::Date, CellValue::Text(text)) => (date_text(text), None),
        (Kind::Powertrain, CellValue::Text(text)) => (powertrain_code(text), None),
        (Kind::UseNature, CellValue::Text(text)) => (use_nature_code(text), None),
        (Kind::Integer, CellValue::Float(value)) if value.fract() != 0.0 => (float_text(*value), Some("number_format")),
        (Kind::Integer, CellValue::Text(text)) => {
            (text.trim().replace([',', '，'], "").trim_end_matches("km").trim().to_string(), None)
        }
        (_, other) => (other.display(), None),
    }
}

/// An Excel serial day number (1900 system) as a date; 60 is Excel's phantom 1900-02-29.
fn excel_serial_date(serial: f64) -> (String, Option<&'static str>) {
    let days = serial.floor() as i64;
    if !(1..=2_958_465).contains(&days) || days == 60 {
        return (float_text(serial), Some("date_format"));
    }
    let base = jiff::civil::date(1899, 12, 31);
    let offset = if days > 60 { days - 1 } else { days };
    match base.checked_add(jiff::Span::new().days(offset)) {
        Ok(date) => (date.to_string(), None),
        Err(_) => (float_text(serial), Some("date_format")),
    }
}

/// `2024/5/13`, `2024.5.13`, `2024年5月13日`, `20240513` and `2024-05-13 08:00` all become `2024-05-13`;
/// anything else is passed on for the validator to name.
pub fn date_text(text: &str) -> String {
    let text = text.trim();
    let day_part = text.split([' ', 'T']).next().unwrap_or(text);
    let unified: String = day_part
        .chars()
        .filter(|c| *c != '日')
        .map(|c| if matches!(c, '/' | '.' | '年' | '月') { '-' } else { c })
        .collect();
    let parts: Vec<&str> = if unified.len() == 8 && unified.chars().all(|c| c.is_ascii_digit()) {
        vec![&unified[..4], &unified[4..6], &unified[6..]]
    } else {
        unified.split('-').collect()
    };
    if let [year, month, day] = parts.as_slice()
        && let (Ok(year), Ok(month), Ok(day)) = (year.parse::<i16>(), month.parse::<i8>(), day.parse::<i8>())
        && let Ok(date) = Date::new(year, month, day)
    {
        return date.to_string();
    }
    text.to_string()
}

/// The powertrain's code from its Chinese label or its code; an unknown word is left for the validator.
pub fn powertrain_code(text: &str) -> String {
    let text = text.trim();
    let code = match text {
        "燃油" | "汽油" | "柴油" | "燃油车" => "ice",
        "油电混合" | "混合动力" | "油电混动" => "hev",
        "插电混动" | "插电式混合动力" | "插电混合" => "phev",
        "纯电动" | "纯电" | "电动" => "bev",
        _ => return text.to_lowercase(),
    };
    code.to_string()
}

/// The use nature's code from its Chinese label or its code.
pub fn use_nature_code(text: &str) -> String {
    let text = text.trim();
    let code = match text {
        "家庭自用" | "自用" | "私家车" | "非营运" => "private",
        "非营业" | "企业非营业" | "机关非营业" => "non_commercial",
        "出租客运" | "出租车" | "出租" => "taxi",
        "网约车" | "预约出租客运" => "ride_hailing",
        "租赁" | "汽车租赁" => "rental",
        "公路客运" | "客运" => "bus",
        "货运" | "营业货运" => "freight",
        _ => return text.to_lowercase().replace(['-', ' '], "_"),
    };
    code.to_string()
}

/// Reads CSV text (RFC 4180: quoted fields may hold commas, quotes and line breaks). A UTF-8 byte-order
/// mark is dropped; a tab-separated file (what Excel's "Unicode text" writes) is read too.
pub fn parse_csv(text: &str) -> Vec<Vec<CellValue>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    let separator = if first_line.contains('\t') && !first_line.contains(',') { '\t' } else { ',' };
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    let cell = |field: &mut String| {
        let taken = std::mem::take(field);
        if taken.is_empty() { CellValue::Empty } else { CellValue::Text(taken) }
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            c if c == separator => row.push(cell(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                row.push(cell(&mut field));
                rows.push(std::mem::take(&mut row));
            }
            _ => field.push(c),
        }
    }
    if !field.is_empty() || !row.is_empty() {
        row.push(cell(&mut field));
        rows.push(row);
    }
    rows
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn text(value: &str) -> CellValue {
        if value.is_empty() { CellValue::Empty } else { CellValue::Text(value.to_string()) }
    }

    fn header() -> Vec<CellValue> {
        COLUMNS.iter().map(|spec| text(&spec.template_header())).collect()
    }

    fn example() -> Vec<CellValue> {
        COLUMNS.iter().map(|spec| text(spec.example)).collect()
    }

    fn with(mut row: Vec<CellValue>, header: &str, value: CellValue) -> Vec<CellValue> {
        let index = COLUMNS.iter().position(|spec| spec.header == header).unwrap();
        row[index] = value;
        row
    }

    const TODAY: Date = date(2024, 5, 13);

    #[test]
    fn the_template_example_row_is_valid() {
        let checked = check(&[header(), example()], TODAY);
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        assert_eq!((checked.rows, checked.valid, checked.customers.len()), (1, 1, 1));
        let customer = &checked.customers[0];
        assert_eq!(customer.row, 2);
        assert_eq!(customer.customer.next_maintenance_on, Some(date(2024, 12, 20)));
        let vehicle = &customer.vehicles[0].vehicle;
        assert_eq!(vehicle.sale_price.unwrap().to_string(), "189900.00");
        assert_eq!(vehicle.odometer_km, 15230);
        assert_eq!(checked.sample[0].values[0], "王建国");
    }

    #[test]
    fn headers_match_despite_spaces_stars_brackets_and_english() {
        assert_eq!(match_header(" 客户名称 * "), Some(0));
        assert_eq!(match_header("车架号（VIN）"), Some(6));
        assert_eq!(match_header("VIN"), Some(6));
        assert_eq!(match_header("Resident ID"), Some(3));
        assert_eq!(match_header("resident_id"), Some(3));
        assert_eq!(match_header("保养周期 (公里)"), Some(20));
        assert_eq!(match_header("Maintenance interval (months)"), Some(21));
        assert_eq!(match_header("Customer name"), Some(0));
        assert_eq!(match_header("不认识的列"), None);
    }

    #[test]
    fn a_title_row_above_the_header_and_columns_in_another_order_are_fine() {
        let title = vec![text("客户档案导出 2024-05-01")];
        let head = vec![text("VIN"), text("customer name"), text("手机号"), text("多余的列")];
        let row = vec![text("lsvau218xn2183294"), text("李四"), CellValue::Float(13_800_138_000.0), text("x")];
        let checked = check(&[title, head, row], TODAY);
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        let customer = &checked.customers[0];
        assert_eq!(customer.row, 3);
        assert_eq!(customer.customer.mobile.as_ref().unwrap().as_str(), "13800138000");
        assert_eq!(customer.vehicles[0].vehicle.vin.as_str(), "LSVAU218XN2183294");
    }

    #[test]
    fn a_file_without_the_required_headers_is_refused_as_a_whole() {
        let checked = check(&[vec![text("姓名"), text("电话")], vec![text("王"), text("1")]], TODAY);
        assert_eq!(checked.errors.len(), 1);
        assert_eq!(checked.errors[0].violation.code, "import_header_missing");
        assert_eq!(checked.errors[0].api_field(), "file");
    }

    #[test]
    fn a_bad_vin_names_row_column_value_and_the_expected_check_digit() {
        let bad = with(example(), "车架号(VIN)", text("LSVAU2181N2183294"));
        let checked = check(&[header(), example(), bad], TODAY);
        assert_eq!(checked.valid, 1);
        let error = &checked.errors[0];
        assert_eq!((error.row, error.column, error.value.as_str()), (3, "车架号(VIN)", "LSVAU2181N2183294"));
        assert_eq!(error.violation.code, "vin_check_digit");
        assert_eq!(error.violation.params["expected"], "X");
        assert_eq!(error.api_field(), "rows[3].vin");
    }

    #[test]
    fn enum_columns_take_chinese_labels_and_codes() {
        for (label, code) in
            [("燃油", "ice"), ("油电混合", "hev"), ("插电混动", "phev"), ("纯电动", "bev"), ("BEV", "bev")]
        {
            assert_eq!(powertrain_code(label), code);
        }
        for (label, code) in [
            ("家庭自用", "private"),
            ("非营业", "non_commercial"),
            ("出租客运", "taxi"),
            ("网约车", "ride_hailing"),
            ("租赁", "rental"),
            ("公路客运", "bus"),
            ("货运", "freight"),
            ("ride_hailing", "ride_hailing"),
        ] {
            assert_eq!(use_nature_code(label), code);
        }
        let row = with(with(example(), "动力类型", text("纯电动")), "使用性质", text("网约车"));
        let row = with(row, "车牌号", text("京AD12345"));
        let checked = check(&[header(), row], TODAY);
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        let unknown = with(example(), "使用性质", text("自行车"));
        let checked = check(&[header(), unknown], TODAY);
        assert_eq!((checked.errors[0].column, checked.errors[0].violation.code), ("使用性质", "unknown_value"));
    }

    #[test]
    fn dates_come_as_excel_dates_serial_numbers_or_text() {
        assert_eq!(excel_serial_date(45_061.0).0, "2023-05-15");
        assert_eq!(excel_serial_date(1.0).0, "1900-01-01");
        assert_eq!(excel_serial_date(61.0).0, "1900-03-01");
        assert_eq!(excel_serial_date(60.0).1, Some("date_format"));
        for written in ["2024/5/3", "2024.5.3", "2024年5月3日", "20240503", "2024-05-03 00:00:00"] {
            assert_eq!(date_text(written), "2024-05-03", "{written}");
        }
        let row = with(example(), "交车日期", CellValue::Date(date(2023, 6, 20)));
        let row = with(row, "购车发票日期", CellValue::Float(45_095.0));
        let checked = check(&[header(), row], TODAY);
        assert!(checked.errors.is_empty(), "{:?}", checked.errors);
        assert_eq!(checked.customers[0].vehicles[0].vehicle.invoice_on, Some(date(2023, 6, 18)));
        let bad = with(example(), "交车日期", text("去年"));
        let checked = check(&[header(), bad], TODAY);
        assert_eq!((checked.errors[0].column, checked.errors[0].violation.code), ("交车日期", "date_format"));
    }

    #[test]
    fn money_takes_at_most_two_places_and_integers_no_fraction() {
        let row = with(example(), "车价", CellValue::Float(123_456.78));
        let checked = check(&[header(), row], TODAY);
        assert_eq!(checked.customers[0].vehicles[0].vehicle.sale_price.unwrap().to_string(), "123456.78");
        let row = with(example(), "车价", text("¥123,456.785"));
        let checked = check(&[header(), row], TODAY);
        assert_eq!(checked.errors[0].violation.code, "money_precision");
        let row = with(example(), "当前里程", CellValue::Float(12.5));
        let checked = check(&[header(), row], TODAY);
        assert_eq!((checked.errors[0].column, checked.errors[0].violation.code), ("当前里程", "number_format"));
        let row = with(example(), "当前里程", text("一万"));
        assert_eq!(check(&[header(), row], TODAY).errors[0].violation.code, "number_format");
    }

    #[test]
    fn an_id_number_typed_as_a_number_is_reported_as_lost_digits() {
        let row = with(example(), "身份证号", CellValue::Float(110_105_194_912_310_000.0));
        let checked = check(&[header(), row], TODAY);
        assert_eq!(checked.errors.len(), 1, "{:?}", checked.errors);
        assert_eq!(
            (checked.errors[0].column, checked.errors[0].violation.code),
            ("身份证号", "import_number_precision")
        );
    }

    #[test]
    fn duplicates_inside_the_file_are_reported_and_one_owner_may_have_two_cars() {
        let second_car = with(with(example(), "车架号(VIN)", text("1HGCM82633A004352")), "车牌号", text("京B54321"));
        let same_vin = with(example(), "手机", text("13900139000"));
        let other_name = with(with(example(), "客户名称", text("张三")), "车架号(VIN)", text("11111111111111111"));
        let checked = check(&[header(), example(), second_car, same_vin, other_name], TODAY);
        assert_eq!(checked.customers.len(), 1);
        assert_eq!(checked.customers[0].vehicles.len(), 2);
        let found: Vec<_> = checked.errors.iter().map(|e| (e.row, e.column, e.violation.code)).collect();
        assert_eq!(
            found,
            vec![(4, "车架号(VIN)", "import_duplicate_vin"), (5, "手机", "import_duplicate_mobile")],
            "{:?}",
            checked.errors
        );
        assert_eq!(checked.errors[0].violation.params["row"], "2");
        assert_eq!(checked.errors[1].violation.params["name"], "王建国");
    }

    #[test]
    fn every_problem_of_a_row_is_listed_with_its_column() {
        let row = with(with(example(), "客户名称", CellValue::Empty), "手机", text("12345"));
        let checked = check(&[header(), row], TODAY);
        let columns: Vec<_> = checked.errors.iter().map(|e| (e.column, e.violation.code)).collect();
        assert!(columns.contains(&("客户名称", "required")), "{columns:?}");
        assert!(
            columns.contains(&("手机", "mobile_format")) || columns.iter().any(|(c, _)| *c == "手机"),
            "{columns:?}"
        );
    }

    #[test]
    fn blank_rows_are_skipped_and_an_empty_file_is_refused() {
        let checked = check(&[header(), vec![text(" "), CellValue::Empty], example()], TODAY);
        assert_eq!((checked.rows, checked.customers[0].row), (1, 3));
        assert_eq!(check(&[header()], TODAY).errors[0].violation.code, "import_empty");
    }

    #[test]
    fn a_column_named_twice_is_refused() {
        let mut head = header();
        head.push(text("手机号"));
        let checked = check(&[head, example()], TODAY);
        assert_eq!((checked.errors[0].row, checked.errors[0].violation.code), (1, "import_duplicate_column"));
    }

    #[test]
    fn csv_with_bom_quotes_and_line_breaks() {
        let rows = parse_csv(
            "\u{feff}客户名称*,车架号(VIN)*,备注\r\n\"王, 先生\",LSVAU218XN2183294,\"说\"\"好\"\"\n下周\"\r\n",
        );
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0][0], text("客户名称*"));
        assert_eq!(rows[1][0], text("王, 先生"));
        assert_eq!(rows[1][2], text("说\"好\"\n下周"));
        let tabs = parse_csv("a\tb\n1\t\n");
        assert_eq!(tabs[1], vec![text("1"), CellValue::Empty]);
    }
}
