//! The `autochitect` binary: parse the command line, then open the explorer or run a subcommand.

#[cfg(not(target_arch = "wasm32"))]
use std::process::ExitCode;

#[cfg(target_arch = "wasm32")]
fn main() {
    autochitect::web::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match autochitect::cli::parse(&args) {
        Ok(autochitect::cli::Command::Help) => {
            print!("{}", autochitect::cli::USAGE);
            ExitCode::SUCCESS
        }
        Ok(autochitect::cli::Command::Version) => {
            println!("autochitect {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Ok(autochitect::cli::Command::Check {
            paths,
            json,
            deny_warnings,
        }) => autochitect::check::run(&paths, json, deny_warnings),
        Ok(autochitect::cli::Command::Export {
            diagram,
            format,
            output,
        }) => autochitect::export::run(&diagram, format, output.as_deref()),
        Ok(autochitect::cli::Command::Generate { shape, output }) => {
            let text = autochitect::model::synthetic::generate(shape);
            match output {
                Some(path) => match std::fs::write(&path, text) {
                    Ok(()) => ExitCode::SUCCESS,
                    Err(e) => {
                        eprintln!("autochitect: cannot write {path}: {e}");
                        ExitCode::from(1)
                    }
                },
                None => {
                    print!("{text}");
                    ExitCode::SUCCESS
                }
            }
        }
        Ok(autochitect::cli::Command::Open(open)) => {
            match autochitect::cli::launch_options(&open) {
                Ok(options) => {
                    autochitect::run(options);
                    ExitCode::SUCCESS
                }
                Err(message) => {
                    eprintln!("autochitect: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Err(message) => {
            eprintln!("autochitect: {message}\n\n{}", autochitect::cli::USAGE);
            ExitCode::from(2)
        }
    }
}
