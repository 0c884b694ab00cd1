use std::io::Read;
use std::process::ExitCode;

#[derive(clap::Subcommand)]
pub enum RulesCommand {
    /// Read `[{"id", "rule", "input"}]` on stdin; print `[{"id", "output"} | {"id", "error"}]` in order.
    Eval,
    /// List the rules with their summaries.
    List,
}

pub async fn run(command: RulesCommand) -> anyhow::Result<ExitCode> {
    match command {
        RulesCommand::Eval => {
            let mut text = String::new();
            std::io::stdin().read_to_string(&mut text)?;
            let input: serde_json::Value = match serde_json::from_str(&text) {
                Ok(value) => value,
                Err(error) => {
                    eprintln!("claimdesk rules eval: stdin is not JSON: {error}");
                    return Ok(ExitCode::from(2));
                }
            };
            match claimdesk_web::rules::eval_batch(input) {
                Ok(output) => {
                    println!("{}", serde_json::to_string(&output)?);
                    Ok(ExitCode::SUCCESS)
                }
                Err(message) => {
                    eprintln!("claimdesk rules eval: {message}");
                    Ok(ExitCode::from(2))
                }
            }
        }
        RulesCommand::List => {
            for rule in claimdesk_domain::rules::all() {
                println!("{:<28} {}", rule.name, rule.summary_en);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}
