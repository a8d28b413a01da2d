//! Task results from Celery's Redis result backend, read typed.
//!
//! With `result_serializer = "pickle"` the backend stores each finished
//! task under `celery-task-meta-<id>` as a pickled dict:
//! `{"status": "SUCCESS", "result": <the task's return value>, "traceback":
//! None, "children": [...], "date_done": "<ISO 8601>", "task_id": "<id>"}`.
//! A failed task's `result` is the exception it raised, pickled as CPython
//! pickles exceptions: `REDUCE` of the exception's class with its `args`.
//! Reading never imports or calls anything, so the exception arrives as an
//! inert [`Value`] that is reported by class and message ([`TaskError`]).

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::time::{Duration, Instant};

use pickle_core::{Decoder, ErrorKind, FromPickle, Value};

/// What became of a task.
#[derive(Debug)]
pub enum Outcome<T> {
    /// `SUCCESS`: the task's return value.
    Success(T),
    /// `FAILURE` or `REVOKED`: the exception that ended it.
    Failure(TaskError),
    /// Any other state (`STARTED`, `RETRY`, ...): not finished yet.
    Unfinished,
}

/// One `celery-task-meta-<id>` record.
#[derive(Debug)]
pub struct TaskMeta<T> {
    pub task_id: String,
    /// Celery's state name, such as `SUCCESS` or `FAILURE`.
    pub status: String,
    pub outcome: Outcome<T>,
    /// The Python traceback of a failure, as text.
    pub traceback: Option<String>,
    /// When the task finished, as Celery writes it (ISO 8601).
    pub date_done: Option<String>,
}

/// The exception a task failed with.
#[derive(Debug, Clone, PartialEq)]
pub struct TaskError {
    /// The exception's class, such as `kombu.exceptions.DecodeError`.
    pub class: String,
    /// What `str(exception)` gives in Python.
    pub message: String,
}

impl fmt::Display for TaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.class, self.message)
    }
}

impl TaskError {
    /// The exception pickled as `value` (`REDUCE` of its class with its
    /// arguments); anything else is reported as what it is.
    pub fn from_value(value: &Value) -> TaskError {
        match exception_parts(value) {
            Some((class, args)) => TaskError {
                class,
                message: exception_str(args),
            },
            None => TaskError {
                class: "<not an exception>".to_owned(),
                message: format!("{value:?}"),
            },
        }
    }
}

/// The class and argument list of an exception as CPython pickles it.
fn exception_parts(value: &Value) -> Option<(String, &[Value])> {
    let Value::Object(object) = value.resolve() else {
        return None;
    };
    let class = object.class()?;
    match &object.call {
        pickle_core::Call::Reduce { args, .. } => match args.resolve() {
            Value::Tuple(args) => Some((class.to_string(), args)),
            _ => None,
        },
        _ => None,
    }
}

/// `str(exception)` for an exception with these arguments, as
/// `BaseException.__str__` gives it: empty, the one argument's `str`, or
/// the tuple.
fn exception_str(args: &[Value]) -> String {
    match args {
        [] => String::new(),
        [one] => value_str(one),
        many => {
            let items: Vec<String> = many.iter().map(value_str).collect();
            format!("({})", items.join(", "))
        }
    }
}

/// `str()` of a message argument: text as itself, a nested exception by its
/// message, anything else in Rust's debug form.
fn value_str(value: &Value) -> String {
    match value.resolve() {
        Value::Str(s) => s.to_string_lossy().into_owned(),
        Value::Int(i) => i.to_string(),
        other => match exception_parts(other) {
            Some((_, args)) => exception_str(args),
            None => format!("{other:?}"),
        },
    }
}

impl<T: FromPickle> FromPickle for TaskMeta<T> {
    /// Reads the dict in Celery's order, `status` before `result`, so that
    /// a successful result is decoded straight into `T`. Other keys
    /// (`children`, and what `result_extended` adds) are not read.
    fn from_pickle(d: Decoder<'_>) -> pickle_core::Result<Self> {
        let mut entries = d.map()?;
        let (mut task_id, mut status, mut outcome) = (None, None::<String>, None);
        let (mut traceback, mut date_done) = (None, None);
        while let Some((key, value)) = entries.next_entry()? {
            let key = key.decode_str()?;
            let field = |e: pickle_core::Error| e.in_key(key);
            match key {
                "task_id" => task_id = Some(String::from_pickle(value).map_err(field)?),
                "status" => status = Some(String::from_pickle(value).map_err(field)?),
                "traceback" => traceback = Option::from_pickle(value).map_err(field)?,
                "date_done" => date_done = Option::from_pickle(value).map_err(field)?,
                "result" => {
                    let Some(status) = status.as_deref() else {
                        return Err(value.error(
                            ErrorKind::Custom,
                            "`result` comes before `status` in the task's record",
                        ));
                    };
                    outcome = Some(match status {
                        "SUCCESS" => Outcome::Success(T::from_pickle(value).map_err(field)?),
                        "FAILURE" | "REVOKED" => {
                            Outcome::Failure(TaskError::from_value(&value.to_value()?))
                        }
                        _ => Outcome::Unfinished,
                    });
                }
                _ => {}
            }
        }
        let missing = |name: &str| {
            d.error(
                ErrorKind::MissingField,
                format!("no `{name}` in the task's record"),
            )
        };
        Ok(TaskMeta {
            task_id: task_id.ok_or_else(|| missing("task_id"))?,
            status: status.ok_or_else(|| missing("status"))?,
            outcome: outcome.ok_or_else(|| missing("result"))?,
            traceback,
            date_done,
        })
    }
}

/// Why results could not be read.
#[derive(Debug)]
pub enum ReadError {
    Redis(redis::RedisError),
    /// A record that is not what [`TaskMeta`] reads.
    Decode {
        task_id: String,
        error: pickle_core::Error,
    },
    /// Some tasks had no result when the time was up.
    Timeout {
        missing: usize,
        example: String,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Redis(e) => write!(f, "redis: {e}"),
            ReadError::Decode { task_id, error } => {
                write!(f, "the result of task `{task_id}` does not read: {error}")
            }
            ReadError::Timeout { missing, example } => {
                write!(f, "{missing} tasks have no result yet, such as `{example}`")
            }
        }
    }
}

impl std::error::Error for ReadError {}

impl From<redis::RedisError> for ReadError {
    fn from(e: redis::RedisError) -> ReadError {
        ReadError::Redis(e)
    }
}

/// How many results one poll asks for.
pub const POLL_BATCH: usize = 1000;

/// The Redis key of a task's result.
pub fn result_key(task_id: &str) -> String {
    format!("celery-task-meta-{task_id}")
}

/// Waits until every task in `ids` has finished (success or failure) and
/// returns their records by id, polling the backend with `MGET`. Gives up
/// when no task has finished for `patience`.
///
/// Tasks finish roughly in the order they were sent, so each poll asks for
/// the first [`POLL_BATCH`] unfinished ones only, and asks again at once
/// while they keep finishing: the polling costs the broker little while
/// the workers are busy.
pub fn wait_for<T: FromPickle>(
    conn: &mut redis::Connection,
    ids: &[String],
    patience: Duration,
) -> Result<HashMap<String, TaskMeta<T>>, ReadError> {
    let mut deadline = Instant::now() + patience;
    let mut pending: VecDeque<&String> = ids.iter().collect();
    let mut done = HashMap::with_capacity(ids.len());
    while !pending.is_empty() {
        let batch: Vec<&String> = pending.drain(..pending.len().min(POLL_BATCH)).collect();
        let keys: Vec<String> = batch.iter().map(|id| result_key(id)).collect();
        let records: Vec<Option<Vec<u8>>> = redis::cmd("MGET").arg(keys).query(conn)?;
        let asked = batch.len();
        let mut unfinished = Vec::new();
        for (id, record) in batch.into_iter().zip(records) {
            let meta = match record {
                Some(bytes) => pickle_core::from_slice::<TaskMeta<T>>(&bytes).map_err(|error| {
                    ReadError::Decode {
                        task_id: id.clone(),
                        error,
                    }
                })?,
                None => {
                    unfinished.push(id);
                    continue;
                }
            };
            match meta.outcome {
                Outcome::Unfinished => unfinished.push(id),
                _ => {
                    done.insert(id.clone(), meta);
                }
            }
        }
        if unfinished.len() < asked {
            // Some finished: ask again at once.
            deadline = Instant::now() + patience;
        } else if Instant::now() > deadline {
            return Err(ReadError::Timeout {
                missing: unfinished.len() + pending.len(),
                example: unfinished[0].clone(),
            });
        } else {
            std::thread::sleep(Duration::from_millis(20));
        }
        // The earliest unfinished tasks stay first.
        for id in unfinished.into_iter().rev() {
            pending.push_front(id);
        }
    }
    Ok(done)
}
