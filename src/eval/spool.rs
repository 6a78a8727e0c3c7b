//! The finished results of a run, one JSON line each, in an anonymous temporary file under `.aispec/`.
//!
//! A large run's answers are most of what it produces (about 40 MB for 10,000 cases × 4 providers), and only the
//! reports that show answers need them. The runner appends each result as it finishes; the reports read them
//! back one at a time, in the order of the plan. The file has no name: the system removes it when the run ends,
//! however it ends (Ctrl-C included).

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::results::CaseResult;

/// Folder (under the workspace root) the spool is created in; falls back to the system's temporary folder.
pub const SPOOL_DIR: &str = ".aispec";

/// Where one result lies in the file.
#[derive(Debug, Clone, Copy, Default)]
struct Span {
    offset: u64,
    len: u32,
}

/// Appends results as they finish, in any order.
pub struct SpoolWriter {
    out: BufWriter<File>,
    at: u64,
    spans: Vec<Option<Span>>,
    line: Vec<u8>,
}

impl SpoolWriter {
    /// A spool for `len` results, in `<root>/.aispec/` when that folder can be written, else in the system's
    /// temporary folder.
    pub fn create(root: &Path, len: usize) -> io::Result<Self> {
        let dir = root.join(SPOOL_DIR);
        let file = std::fs::create_dir_all(&dir)
            .and_then(|()| tempfile::tempfile_in(&dir))
            .or_else(|_| tempfile::tempfile())?;
        Ok(SpoolWriter {
            out: BufWriter::with_capacity(1 << 16, file),
            at: 0,
            spans: vec![None; len],
            line: Vec::new(),
        })
    }

    /// Writes the result with plan position `index`.
    pub fn append(&mut self, index: usize, result: &CaseResult) -> io::Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, result)?;
        self.line.push(b'\n');
        let len = u32::try_from(self.line.len())
            .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "a result is larger than 4 GB"))?;
        self.out.write_all(&self.line)?;
        if let Some(slot) = self.spans.get_mut(index) {
            *slot = Some(Span { offset: self.at, len });
        }
        self.at += u64::from(len);
        Ok(())
    }

    /// The written results, readable in plan order; every position must have been appended.
    pub fn finish(self) -> io::Result<Spool> {
        let file = self.out.into_inner().map_err(io::IntoInnerError::into_error)?;
        let spans: Option<Vec<Span>> = self.spans.into_iter().collect();
        let spans = spans.ok_or_else(|| io::Error::other("a result of the run is missing"))?;
        Ok(Spool {
            file: Arc::new(Mutex::new(file)),
            spans,
        })
    }
}

/// The results of a finished run, on disk.
#[derive(Clone)]
pub struct Spool {
    file: Arc<Mutex<File>>,
    spans: Vec<Span>,
}

impl std::fmt::Debug for Spool {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Spool({} results)", self.spans.len())
    }
}

impl Spool {
    /// Number of results.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// Calls `each` with the results at `positions` (plan order), one at a time.
    pub fn visit(
        &self,
        positions: impl IntoIterator<Item = usize>,
        mut each: impl FnMut(CaseResult) -> io::Result<()>,
    ) -> io::Result<()> {
        let mut file = self.file.lock().unwrap_or_else(|e| e.into_inner());
        let mut buf = Vec::new();
        for span in positions.into_iter().filter_map(|i| self.spans.get(i)) {
            buf.resize(span.len as usize, 0);
            file.seek(SeekFrom::Start(span.offset))?;
            file.read_exact(&mut buf)?;
            each(serde_json::from_slice(&buf)?)?;
        }
        Ok(())
    }

    /// Every result, in plan order, in memory (for the reports that need them all at once).
    pub fn read_all(&self) -> io::Result<Vec<CaseResult>> {
        let mut all = Vec::with_capacity(self.len());
        self.visit(0..self.len(), |r| {
            all.push(r);
            Ok(())
        })?;
        Ok(all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eval::results::{AssertionResult, EvalResults, Outcome, Records, RunStats};

    const ANSWER: &str = "Et langt svar om affaldssortering, der kun må findes på disken";

    fn result(case: &str, pass: bool) -> CaseResult {
        CaseResult {
            source: "suite:s".into(),
            case: case.into(),
            provider: "p".into(),
            repeat: 0,
            answer: Some(format!("{ANSWER} ({case})").repeat(50)),
            error: None,
            latency_ms: 12,
            prompt_tokens: Some(3),
            completion_tokens: Some(4),
            cost: None,
            words: 9,
            cached: false,
            pass,
            score: f64::from(u8::from(pass)),
            assertions: vec![AssertionResult {
                kind: "icontains".into(),
                pass,
                score: f64::from(u8::from(pass)),
                weight: 1.0,
                reason: "kort grund".into(),
                metric: None,
            }],
        }
    }

    fn run(records: Records, outcomes: Vec<Outcome>) -> EvalResults {
        EvalResults {
            format: 1,
            started_at: "2026-01-01T00:00:00Z".into(),
            duration_ms: 5,
            commit: None,
            label: None,
            repeat: 1,
            providers: Vec::new(),
            cases: Vec::new(),
            records,
            stats: RunStats::default(),
            summary: Vec::new(),
            outcomes,
        }
    }

    #[test]
    fn results_finished_out_of_order_read_back_in_plan_order() {
        let dir = tempfile::tempdir().expect("temp dir");
        let all = [result("a", true), result("b", false), result("c", true)];
        let mut writer = SpoolWriter::create(dir.path(), all.len()).expect("spool");
        for i in [2, 0, 1] {
            writer.append(i, &all[i]).expect("append");
        }
        let spool = writer.finish().expect("finish");
        assert_eq!(spool.read_all().expect("read"), all.to_vec());
        let mut picked = Vec::new();
        spool
            .visit([1, 2], |r| {
                picked.push(r.case);
                Ok(())
            })
            .expect("visit");
        assert_eq!(picked, ["b", "c"]);
        assert_eq!(
            std::fs::read_dir(dir.path().join(SPOOL_DIR)).expect("dir").count(),
            0,
            "the spool has no name, so nothing is left behind"
        );
    }

    #[test]
    fn a_missing_result_is_an_error_not_a_shorter_run() {
        let dir = tempfile::tempdir().expect("temp dir");
        let mut writer = SpoolWriter::create(dir.path(), 2).expect("spool");
        writer.append(1, &result("b", true)).expect("append");
        assert!(writer.finish().is_err());
    }

    #[test]
    fn the_run_in_memory_holds_no_answer_text_and_serializes_as_if_it_did() {
        let dir = tempfile::tempdir().expect("temp dir");
        let all = vec![result("a", true), result("b", false)];
        let mut writer = SpoolWriter::create(dir.path(), all.len()).expect("spool");
        for (i, r) in all.iter().enumerate() {
            writer.append(i, r).expect("append");
        }
        let outcomes: Vec<Outcome> = all.iter().cloned().map(Outcome::of).collect();
        let streamed = run(Records::Spool(writer.finish().expect("finish")), outcomes.clone());
        let held = run(Records::Memory(all), outcomes);

        let in_memory = format!("{streamed:?}");
        assert!(!in_memory.contains(ANSWER), "{in_memory}");
        assert!(in_memory.contains("kort grund"), "the failing check's reason is kept");
        let text = streamed.to_saved_json().expect("serialize");
        assert!(text.contains(ANSWER));
        assert_eq!(text, held.to_saved_json().expect("serialize"));
    }
}
