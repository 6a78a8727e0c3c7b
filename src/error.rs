//! Exit statuses and the error type that carries a hint for the user.

/// What the process exits with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: done, the answer is yes.
    Success,
    /// 1: the command ran and the answer is no (invalid, refused, regressions).
    Failure,
    /// 2: usage, configuration, I/O, git or network error — or, for `plan --detailed-exitcode`, changes pending.
    Error,
}

impl ExitStatus {
    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

/// A user-facing error with an optional hint on how to fix it.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub struct UserError {
    /// What went wrong and where.
    pub message: String,
    /// How to fix it.
    pub hint: Option<String>,
}

impl UserError {
    /// An error without a hint.
    pub fn new(message: impl Into<String>) -> Self {
        UserError {
            message: message.into(),
            hint: None,
        }
    }

    /// Adds a hint.
    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

/// An error that exits with another status than 2: `plan --detailed-exitcode` uses 2 for "changes pending",
/// so its errors exit 1, as Terraform's do.
#[derive(Debug)]
pub struct ExitWith {
    /// The status to exit with.
    pub status: ExitStatus,
    /// The error itself.
    pub error: anyhow::Error,
}

impl std::fmt::Display for ExitWith {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:#}", self.error)
    }
}

impl std::error::Error for ExitWith {}

/// The status an error exits with (2 unless it says otherwise).
pub fn status_of(err: &anyhow::Error) -> ExitStatus {
    err.downcast_ref::<ExitWith>().map_or(ExitStatus::Error, |e| e.status)
}

/// True when the error is a closed stdout pipe (`aispec … | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
