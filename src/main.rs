//! The `autochitect` binary: parse the command line, then run a tool or open the explorer.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use clap::Parser;
    let cli = autochitect::tools::cli::Cli::parse();
    match &cli.command {
        Some(tool) => autochitect::tools::run(tool),
        None => autochitect::app::run_from_command_line(cli.open),
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {
    autochitect::app::web::start();
}
