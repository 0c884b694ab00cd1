//! Customer import files for tests and the import benchmark: the template's header and generated rows.

use claimdesk_domain::import::COLUMNS;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use std::collections::HashSet;

use crate::names;

/// The template's header row (`客户名称*`, …).
pub fn header() -> Vec<String> {
    COLUMNS.iter().map(|spec| spec.template_header()).collect()
}

/// `count` valid rows (unique VINs and mobiles), the same for the same seed.
pub fn rows(count: usize, seed: u64) -> Vec<Vec<String>> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut vins = HashSet::with_capacity(count);
    let mut mobiles = HashSet::with_capacity(count);
    let powertrains = ["燃油", "油电混合", "插电混动", "纯电动"];
    let uses = ["家庭自用", "非营业", "网约车", "租赁"];
    let models = [("大众", "帕萨特"), ("丰田", "凯美瑞"), ("比亚迪", "汉"), ("本田", "雅阁"), ("吉利", "星瑞")];
    (0..count)
        .map(|_| {
            let vin = loop {
                let vin = names::vin(&mut rng, "LSV");
                if vins.insert(vin.clone()) {
                    break vin;
                }
            };
            let mobile = loop {
                let mobile = names::mobile(&mut rng);
                if mobiles.insert(mobile.clone()) {
                    break mobile;
                }
            };
            let powertrain = powertrains[rng.random_range(0..powertrains.len())];
            let new_energy = matches!(powertrain, "纯电动" | "插电混动");
            let (brand, model) = models[rng.random_range(0..models.len())];
            let delivered = jiff::civil::date(2018, 1, 1)
                .checked_add(jiff::Span::new().days(rng.random_range(0..2_000)))
                .expect("a date in range");
            let name = names::person_name(&mut rng);
            let value = |header: &str| -> String {
                match header {
                    "客户名称" => name.clone(),
                    "手机" => mobile.clone(),
                    "地址" => "北京市海淀区中关村大街1号".into(),
                    "区域" => "海淀".into(),
                    "车架号(VIN)" => vin.clone(),
                    "品牌" => brand.into(),
                    "车型" => model.into(),
                    "车种" => "轿车".into(),
                    "颜色" => "白色".into(),
                    "动力类型" => powertrain.into(),
                    "使用性质" => uses[vin.len() % uses.len()].into(),
                    "购车发票日期" | "交车日期" => delivered.to_string(),
                    "车价" => "159900.00".into(),
                    "当前里程" => "12000".into(),
                    "保养周期(公里)" => "10000".into(),
                    "保养周期(月)" => "6".into(),
                    _ => String::new(),
                }
            };
            let mut row: Vec<String> = COLUMNS.iter().map(|spec| value(spec.header)).collect();
            let plate_index = COLUMNS.iter().position(|spec| spec.header == "车牌号").expect("plate column");
            row[plate_index] = names::plate(&mut rng, "京", 'A', new_energy);
            row
        })
        .collect()
}

/// The rows as UTF-8 CSV with a byte-order mark, as Excel saves "CSV UTF-8".
pub fn csv(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut text = String::from("\u{feff}");
    for row in std::iter::once(header).chain(rows.iter().map(Vec::as_slice)) {
        let cells: Vec<String> = row
            .iter()
            .map(|cell| {
                if cell.contains([',', '"', '\n']) {
                    format!("\"{}\"", cell.replace('"', "\"\""))
                } else {
                    cell.clone()
                }
            })
            .collect();
        text.push_str(&cells.join(","));
        text.push_str("\r\n");
    }
    text.into_bytes()
}

/// The rows as an xlsx workbook, the way a person fills the template: prices and mileage as numbers,
/// dates as Excel dates, the rest as text.
pub fn xlsx(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let date_format = Format::new().set_num_format("yyyy-mm-dd");
    for (column, title) in header.iter().enumerate() {
        sheet.write_string(0, column as u16, title).expect("header cell");
    }
    for (index, row) in rows.iter().enumerate() {
        let excel_row = index as u32 + 1;
        for (column, value) in row.iter().enumerate() {
            if value.is_empty() {
                continue;
            }
            let column = column as u16;
            let numeric = matches!(header.get(column as usize).map(String::as_str), Some("车价" | "当前里程"));
            let date = value.len() == 10 && value.as_bytes()[4] == b'-' && value.as_bytes()[7] == b'-';
            if numeric && let Ok(number) = value.parse::<f64>() {
                sheet.write_number(excel_row, column, number).expect("number cell");
            } else if date && let Ok(when) = ExcelDateTime::parse_from_str(value) {
                sheet.write_datetime_with_format(excel_row, column, &when, &date_format).expect("date cell");
            } else {
                sheet.write_string(excel_row, column, value).expect("text cell");
            }
        }
    }
    workbook.save_to_buffer().expect("xlsx in memory")
}
