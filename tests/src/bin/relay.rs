//! The relay server, built inside this crate so its tests can run (and kill) real server
//! processes.

fn main() -> std::process::ExitCode {
    gridkeeper_server::cli::main()
}
