//! Celery task messages (protocol 2) with a pickled body, as kombu's Redis
//! transport stores them: a JSON envelope pushed onto the queue's list.
//!
//! The envelope is what Celery 5's `apply_async` writes for a task sent to
//! the default queue (`celery`) with priority 0; the test compares the two
//! field by field, and the body byte for byte.

use base64::Engine as _;
use pickle_core::{Protocol, ToPickle};
use serde_json::json;

/// The content type of a pickled body; the worker's `accept_content` must
/// allow it (`"pickle"`).
pub const CONTENT_TYPE: &str = "application/x-python-serialize";

/// The pickle protocol kombu writes (its `PICKLE_PROTOCOL` default), so the
/// body is the bytes `apply_async` would send.
pub const BODY_PROTOCOL: Protocol = Protocol::V4;

/// The third item of the body: a workflow's other tasks. This producer
/// sends single tasks, so every entry is `None`.
#[derive(ToPickle)]
#[pickle(dict)]
struct Embed {
    callbacks: (),
    errbacks: (),
    chain: (),
    chord: (),
}

/// One task message: the task's name and id, and the pickled body
/// `(args, kwargs, embed)`.
pub struct TaskMessage {
    pub id: String,
    pub task: String,
    /// `(args, {}, embed)` pickled at [`BODY_PROTOCOL`].
    pub body: Vec<u8>,
    /// What the worker's log shows for the arguments (Celery's `argsrepr`).
    pub args_repr: String,
}

impl TaskMessage {
    /// A message calling `task` with the positional arguments `args` (a
    /// tuple) and no keyword arguments.
    pub fn new(
        task: &str,
        id: String,
        args: &impl ToPickle,
        args_repr: String,
    ) -> pickle_core::Result<TaskMessage> {
        let kwargs = std::collections::BTreeMap::<String, ()>::new();
        let embed = Embed {
            callbacks: (),
            errbacks: (),
            chain: (),
            chord: (),
        };
        let body = pickle_core::to_vec_with(&(args, kwargs, embed), BODY_PROTOCOL)?;
        Ok(TaskMessage {
            id,
            task: task.to_owned(),
            body,
            args_repr,
        })
    }

    /// The JSON kombu's Redis transport pushes onto the list `queue`.
    /// `origin` names the producer in the worker's log (`name@host`).
    pub fn envelope(&self, queue: &str, origin: &str) -> String {
        json!({
            "body": base64::engine::general_purpose::STANDARD.encode(&self.body),
            "content-encoding": "binary",
            "content-type": CONTENT_TYPE,
            "headers": {
                "lang": "py",
                "task": self.task,
                "id": self.id,
                "shadow": null,
                "eta": null,
                "expires": null,
                "group": null,
                "group_index": null,
                "retries": 0,
                "timelimit": [null, null],
                "root_id": self.id,
                "parent_id": null,
                "argsrepr": self.args_repr,
                "kwargsrepr": "{}",
                "origin": origin,
                "ignore_result": false,
                "replaced_task_nesting": 0,
                "stamped_headers": null,
                "stamps": {},
            },
            "properties": {
                "correlation_id": self.id,
                // The Redis result backend needs no reply queue.
                "reply_to": "",
                "delivery_mode": 2,
                "delivery_info": {"exchange": "", "routing_key": queue},
                "priority": 0,
                "body_encoding": "base64",
                // Unique per message; kombu keeps unacknowledged messages
                // under it until the worker acknowledges them.
                "delivery_tag": self.id,
            },
        })
        .to_string()
    }
}

/// Sends task messages to one queue of a Redis broker.
pub struct Producer {
    conn: redis::Connection,
    queue: String,
    origin: String,
}

impl Producer {
    /// A producer on `conn` for `queue` (`"celery"` is Celery's default).
    pub fn new(conn: redis::Connection, queue: &str) -> Producer {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_else(|_| "localhost".to_owned());
        Producer {
            conn,
            queue: queue.to_owned(),
            origin: format!("rust{}@{host}", std::process::id()),
        }
    }

    /// Pushes `messages` in one `LPUSH`, first message first: the workers
    /// pop from the other end, so they run in this order.
    pub fn send(&mut self, messages: &[TaskMessage]) -> redis::RedisResult<()> {
        if messages.is_empty() {
            return Ok(());
        }
        let envelopes: Vec<String> = messages
            .iter()
            .map(|m| m.envelope(&self.queue, &self.origin))
            .collect();
        redis::cmd("LPUSH")
            .arg(&self.queue)
            .arg(envelopes)
            .exec(&mut self.conn)
    }
}

/// Task ids unique to this process and run: `<run>-<n>`.
pub struct TaskIds {
    run: String,
    next: u64,
}

impl TaskIds {
    /// Ids starting with a prefix made of the time and the process id.
    pub fn new() -> TaskIds {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        TaskIds {
            run: format!("{:x}{:x}", nanos, std::process::id()),
            next: 0,
        }
    }

    /// The next id.
    pub fn next_id(&mut self) -> String {
        self.next += 1;
        format!("{}-{}", self.run, self.next)
    }
}
