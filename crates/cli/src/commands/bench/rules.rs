//! Rule throughput on one core: 三包 assessments for a vehicle with a 10-visit history, and whole-accident
//! adjustments, each from a typed input parsed once (the services call the engine the same way).

use claimdesk_domain::insurance::accident::{AccidentInput, adjust};
use claimdesk_domain::sanbao::{AssessInput, assess};
use serde_json::json;
use std::hint::black_box;
use std::time::{Duration, Instant};

fn sanbao_input() -> AssessInput {
    let history: Vec<serde_json::Value> = (0..10)
        .map(|visit| {
            let month = visit + 2;
            json!({
                "agreed_at": format!("2024-{month:02}-05T09:00"),
                "completed_at": format!("2024-{month:02}-07T17:00"),
                "odometer_km": 1_000 + visit * 1_500,
                "system": if visit % 3 == 0 { "brakes" } else { "engine" },
                "part": if visit % 2 == 0 { "左前制动钳" } else { "水泵" },
                "serious_safety": visit % 3 == 0,
            })
        })
        .collect();
    let input = json!({
        "vehicle": {"invoice_date": "2024-01-05"},
        "request": {"date": "2024-12-20", "odometer_km": 16_000, "fault": {"system": "brakes", "part": "左前制动钳", "main_part": true}},
        "history": history,
    });
    serde_json::from_value(input).expect("bench input parses")
}

fn accident_input() -> AccidentInput {
    let input = json!({
        "accident_time": "2024-06-01T20:30",
        "vehicles": [
            {"id": "A", "responsibility": "major", "damage": "12000.00", "own_damage": {"sum_insured": "150000.00"}, "third_party": {"limit": "1000000.00"}},
            {"id": "B", "responsibility": "minor", "damage": "8000.00", "own_damage": {"sum_insured": "90000.00"}, "third_party": {"limit": "500000.00"}}
        ]
    });
    serde_json::from_value(input).expect("bench input parses")
}

fn rate(label: &str, seconds: u64, mut step: impl FnMut()) -> f64 {
    // Warm up, then count whole batches for the measured time.
    for _ in 0..10_000 {
        step();
    }
    let deadline = Duration::from_secs(seconds.max(1));
    let start = Instant::now();
    let mut count: u64 = 0;
    while start.elapsed() < deadline {
        for _ in 0..1_000 {
            step();
        }
        count += 1_000;
    }
    let per_second = count as f64 / start.elapsed().as_secs_f64();
    println!("  {label:<58} {per_second:>14.0} /s");
    per_second
}

pub fn run(seconds: u64) -> anyhow::Result<()> {
    println!("rules (one core):");
    let sanbao = sanbao_input();
    rate("三包 assessments, 10-visit history (target ≥ 1,000,000)", seconds, || {
        let _ = black_box(assess(black_box(&sanbao)));
    });
    let accident = accident_input();
    rate("accident adjustments, two cars 主责/次责", seconds, || {
        let _ = black_box(adjust(black_box(&accident)));
    });
    Ok(())
}
