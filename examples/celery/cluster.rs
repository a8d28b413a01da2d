//! A Redis server and Celery workers on loopback, started for one run and
//! stopped with it.
//!
//! Every process is started in its own process group and the group is
//! killed when its [`Process`] is dropped, so a panic or an early return
//! leaves no Redis server or worker behind.

use std::fs::File;
use std::io;
use std::net::TcpListener;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The Redis set the workers join when they are ready (`shop/app.py`).
pub const READY_KEY: &str = "shop:workers:ready";

/// The Python sources of the example: `shop/app.py`, `shop/tasks.py`, the
/// producer script, in the workspace's `examples/celery/python`, whether
/// this file is built by the examples' package or by the tests'.
pub fn python_sources() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|dir| dir.join("examples/celery/python"))
        .find(|dir| dir.is_dir())
        .unwrap_or_else(|| here.join("celery/python"))
}

/// What is missing to run the pipeline, with how to install it; empty
/// when `redis-server`, `python3` and its `celery` and `redis` packages are
/// there.
pub fn missing_prerequisites() -> Vec<String> {
    let mut missing = Vec::new();
    let redis = Command::new("redis-server").arg("--version").output();
    if !redis.is_ok_and(|o| o.status.success()) {
        missing.push("`redis-server` (apt-get install redis-server)".to_owned());
    }
    let celery = Command::new("python3")
        .args(["-c", "import celery, redis, kombu.transport.redis"])
        .stderr(Stdio::null())
        .status();
    if !celery.is_ok_and(|s| s.success()) {
        missing.push(
            "the Python packages `celery` and `redis` (python3 -m pip install 'celery[redis]')"
                .to_owned(),
        );
    }
    missing
}

/// Writes the package `shop` under `dir`: `shop/models.py` generated from
/// the Rust types, with the hand-written `shop/app.py` and `shop/tasks.py`
/// beside it.
pub fn write_python_package(dir: &Path) -> io::Result<()> {
    crate::models::stubs().write_package(dir)?;
    for name in ["app.py", "tasks.py"] {
        std::fs::copy(
            python_sources().join("shop").join(name),
            dir.join("shop").join(name),
        )?;
    }
    Ok(())
}

/// A child process in its own process group, killed with its group on drop.
pub struct Process {
    name: String,
    child: Child,
    log: PathBuf,
}

impl Process {
    fn spawn(name: &str, command: &mut Command, log: PathBuf) -> io::Result<Process> {
        let out = File::create(&log)?;
        let child = command
            .process_group(0)
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .map_err(|e| io::Error::new(e.kind(), format!("cannot start {name}: {e}")))?;
        Ok(Process {
            name: name.to_owned(),
            child,
            log,
        })
    }

    /// The process id (also its process group's id).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// An error if the process has exited, with the end of its log.
    fn check_running(&mut self) -> io::Result<()> {
        match self.child.try_wait()? {
            None => Ok(()),
            Some(status) => Err(io::Error::other(format!(
                "{} exited ({status}); the end of its log:\n{}",
                self.name,
                self.log_tail()
            ))),
        }
    }

    /// The last lines of what the process printed.
    pub fn log_tail(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        lines[lines.len().saturating_sub(30)..].join("\n")
    }

    /// Asks the group to stop (`SIGTERM`), then kills what is left of it.
    fn stop(&mut self) {
        let group = format!("-{}", self.child.id());
        signal("TERM", &group);
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline && matches!(self.child.try_wait(), Ok(None)) {
            std::thread::sleep(Duration::from_millis(50));
        }
        // The leader may be gone while its children are not.
        signal("KILL", &group);
        let _ = self.child.wait();
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Sends `signal` (such as `KILL`) to `target`: a process id, or a process
/// group as `-pgid`. Errors (the process is already gone) are ignored.
pub fn signal(signal: &str, target: &str) {
    let _ = Command::new("kill")
        .args(["-s", signal, "--", target])
        .stderr(Stdio::null())
        .status();
}

/// A Redis server and Celery workers (prefork pools) on a free loopback
/// port, with the package `shop` on the workers' path.
pub struct Cluster {
    // Dropped in this order: the workers before the broker they talk to.
    workers: Vec<Process>,
    redis: Process,
    port: u16,
    python_path: PathBuf,
}

impl Cluster {
    /// Starts Redis and `workers` Celery workers of `concurrency` pool
    /// processes each, with the package `shop` written under `dir/python`,
    /// and waits until every worker is ready.
    pub fn start(dir: &Path, workers: usize, concurrency: usize) -> io::Result<Cluster> {
        let python_path = dir.join("python");
        write_python_package(&python_path)?;
        let (redis, port) = start_redis(dir)?;
        let mut cluster = Cluster {
            workers: Vec::new(),
            redis,
            port,
            python_path,
        };
        let mut conn = cluster.connect()?;
        redis::cmd("DEL")
            .arg(READY_KEY)
            .exec(&mut conn)
            .map_err(io::Error::other)?;
        for n in 1..=workers {
            let mut command = cluster.python();
            command.args([
                "-m", "celery", "-A", "shop.app", "worker", "--pool", "prefork",
            ]);
            command.args(["--concurrency", &concurrency.to_string()]);
            command.args(["--hostname", &format!("w{n}@%h"), "--loglevel", "WARNING"]);
            command.args([
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ]);
            let log = dir.join(format!("worker-{n}.log"));
            cluster.workers.push(Process::spawn(
                &format!("celery worker {n}"),
                &mut command,
                log,
            )?);
        }
        cluster.wait_until_ready(&mut conn, workers)?;
        Ok(cluster)
    }

    fn wait_until_ready(&mut self, conn: &mut redis::Connection, workers: usize) -> io::Result<()> {
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            let ready: usize = redis::cmd("SCARD")
                .arg(READY_KEY)
                .query(conn)
                .map_err(io::Error::other)?;
            if ready == workers {
                return Ok(());
            }
            for worker in &mut self.workers {
                worker.check_running()?;
            }
            if Instant::now() > deadline {
                return Err(io::Error::other(format!(
                    "{ready} of {workers} workers ready after 120 s; worker 1's log:\n{}",
                    self.workers[0].log_tail()
                )));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The broker's (and result backend's) URL.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}/0", self.port)
    }

    /// A new connection to the Redis server.
    pub fn connect(&self) -> io::Result<redis::Connection> {
        let client = redis::Client::open(self.url()).map_err(io::Error::other)?;
        client.get_connection().map_err(io::Error::other)
    }

    /// `python3` with the package `shop` on its path and the broker's URL
    /// in `SHOP_BROKER_URL`, as the workers run.
    pub fn python(&self) -> Command {
        let mut command = Command::new("python3");
        command
            .env("PYTHONPATH", &self.python_path)
            .env("SHOP_BROKER_URL", self.url());
        if running_as_root() {
            // Celery refuses to run a worker that accepts pickle as root
            // unless told to; CI runs as root on a throwaway machine.
            command.env("C_FORCE_ROOT", "1");
        }
        command
    }

    /// The main process id of each worker.
    pub fn worker_pids(&self) -> Vec<u32> {
        self.workers.iter().map(Process::pid).collect()
    }

    /// The pool processes (which run the tasks) of the worker `pid`.
    pub fn pool_processes(&self, pid: u32) -> Vec<u32> {
        children_of(pid)
    }

    /// An error if a worker or the Redis server has exited.
    pub fn check_running(&mut self) -> io::Result<()> {
        self.redis.check_running()?;
        self.workers.iter_mut().try_for_each(Process::check_running)
    }

    /// The end of every worker's log.
    pub fn worker_logs(&self) -> String {
        let tails: Vec<String> = self
            .workers
            .iter()
            .map(|w| format!("== {} ==\n{}", w.name, w.log_tail()))
            .collect();
        tails.join("\n")
    }
}

/// Starts `redis-server` on a free loopback port without persistence,
/// retrying on another port if the one picked was taken meanwhile.
fn start_redis(dir: &Path) -> io::Result<(Process, u16)> {
    let mut last = None;
    for _ in 0..3 {
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut command = Command::new("redis-server");
        command.args(["--bind", "127.0.0.1", "--port", &port.to_string()]);
        command.args(["--save", "", "--appendonly", "no", "--loglevel", "warning"]);
        command.arg("--dir").arg(dir);
        let mut redis = Process::spawn("redis-server", &mut command, dir.join("redis.log"))?;
        let deadline = Instant::now() + Duration::from_secs(20);
        let url = format!("redis://127.0.0.1:{port}/0");
        loop {
            if let Err(e) = redis.check_running() {
                last = Some(e);
                break;
            }
            let pong = redis::Client::open(url.as_str())
                .and_then(|c| c.get_connection())
                .and_then(|mut c| redis::cmd("PING").query::<String>(&mut c));
            if pong.is_ok() {
                return Ok((redis, port));
            }
            if Instant::now() > deadline {
                return Err(io::Error::other("redis-server did not answer within 20 s"));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("redis-server did not start")))
}

/// The ids of the processes whose parent is `pid`.
fn children_of(pid: u32) -> Vec<u32> {
    let Ok(entries) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    entries
        .filter_map(|entry| {
            let child: u32 = entry.ok()?.file_name().to_str()?.parse().ok()?;
            let stat = std::fs::read_to_string(format!("/proc/{child}/stat")).ok()?;
            // `pid (comm) state ppid ...`; comm may hold spaces and parentheses.
            let after_comm = &stat[stat.rfind(')')? + 1..];
            let ppid: u32 = after_comm.split_whitespace().nth(1)?.parse().ok()?;
            (ppid == pid).then_some(child)
        })
        .collect()
}

fn running_as_root() -> bool {
    std::fs::read_to_string("/proc/self/status").is_ok_and(|status| {
        status
            .lines()
            .find_map(|line| line.strip_prefix("Uid:"))
            .and_then(|ids| ids.split_whitespace().nth(1))
            == Some("0")
    })
}
