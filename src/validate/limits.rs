//! The numbers validation checks against: context budget reserves, the knowledge file size and types.

/// Tokens kept free for the user's question and the conversation so far.
pub const QUESTION_RESERVE_TOKENS: usize = 1024;
/// Tokens kept free for retrieved knowledge when a specialist has a knowledge base.
pub const KNOWLEDGE_RESERVE_TOKENS: usize = 2048;
/// Largest knowledge file accepted, in bytes.
pub const MAX_KNOWLEDGE_BYTES: u64 = crate::fsread::Limit::KNOWLEDGE.bytes;
/// Knowledge file types Open WebUI extracts text from and aispec accepts.
pub const KNOWLEDGE_TYPES: &[&str] = &["md", "txt", "pdf", "docx", "html", "htm"];
