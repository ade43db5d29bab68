//! `gridkeeper-server`: serve the relay, or administer it (`admin …`) on the same data.

fn main() -> std::process::ExitCode {
    gridkeeper_server::cli::main()
}
