//! The `autochitect` binary: parse the command line, then run a tool or open the explorer.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    let cli = autochitect::tools::cli::from_env();
    let project = cli.project.as_deref();
    match &cli.command {
        Some(tool) => autochitect::tools::run(tool, project),
        None => autochitect::app::run_from_command_line(cli.open, project),
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    // The page builds and runs it a step at a time (`web::start_step`, `web::start_run`).
    autochitect::app::web::begin();
}
