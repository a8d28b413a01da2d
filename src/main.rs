//! `pickle-inspect`: look inside a pickle without running it.

fn main() {
    eprintln!("usage: pickle-inspect <command> FILE");
    std::process::exit(2);
}
