//! The stub LLM server the eval tests (and the deploy harness) run against.

use serde_json::json;

use crate::support::stub::StubLlm;

fn chat_body(user: &str) -> serde_json::Value {
    json!({
        "model": "model-a",
        "messages": [
            {"role": "system", "content": "Du er en korrekturlæser.\nAnden linje."},
            {"role": "user", "content": user},
        ],
    })
}

#[test]
fn lists_models_and_answers_deterministically_with_usage() {
    let stub = StubLlm::start(&["--models", "model-a,model-b"]);
    let models = stub.get_json("/v1/models");
    let ids: Vec<&str> = models["data"]
        .as_array()
        .expect("data")
        .iter()
        .filter_map(|m| m["id"].as_str())
        .collect();
    assert_eq!(ids, ["model-a", "model-b"]);
    assert_eq!(stub.get_json("/models")["data"].as_array().map(Vec::len), Some(2));

    let (code, _, body) = stub.post("/v1/chat/completions", &chat_body("Hej"));
    assert_eq!(code, 200, "{body}");
    let answer: serde_json::Value = serde_json::from_str(&body).expect("json");
    let text = answer["choices"][0]["message"]["content"].as_str().expect("content");
    assert!(
        text.contains("Du er en korrekturlæser."),
        "system prompt's first line is echoed: {text}"
    );
    assert!(!text.contains("Anden linje"), "{text}");
    assert!(text.contains("Hej"), "{text}");
    assert!(answer["usage"]["prompt_tokens"].as_u64().is_some_and(|n| n > 0));
    assert!(answer["usage"]["completion_tokens"].as_u64().is_some_and(|n| n > 0));
    let (_, _, again) = stub.post("/chat/completions", &chat_body("Hej"));
    let again: serde_json::Value = serde_json::from_str(&again).expect("json");
    assert_eq!(again["choices"], answer["choices"]);
}

#[test]
fn answers_file_rules_match_the_last_user_message() {
    let dir = tempfile::tempdir().expect("tempdir");
    let stub = StubLlm::with_answers(
        dir.path(),
        r#"
[[answers]]
contains = "hovedstad"
model = "model-a"
answer = "København er Danmarks hovedstad."

[[answers]]
regex = "(?i)^tal"
cycle = ["en", "to"]
"#,
        &[],
    );
    let content = |user: &str| {
        let (_, _, body) = stub.post("/v1/chat/completions", &chat_body(user));
        let v: serde_json::Value = serde_json::from_str(&body).expect("json");
        v["choices"][0]["message"]["content"]
            .as_str()
            .expect("content")
            .to_owned()
    };
    assert_eq!(
        content("Hvad er Danmarks hovedstad?"),
        "København er Danmarks hovedstad."
    );
    assert_eq!(content("Tal"), "en");
    assert_eq!(content("Tal"), "to");
    assert!(content("Noget andet").starts_with("Stub-svar fra model-a."));
}

#[test]
fn injects_429_with_retry_after_then_succeeds() {
    let stub = StubLlm::start(&["--retry-after", "0"]);
    let (code, head, _) = stub.post("/v1/chat/completions", &chat_body("Hej [[stub:429]]"));
    assert_eq!(code, 429);
    assert!(head.contains("Retry-After: 0"), "{head}");
    let (code, _, _) = stub.post("/v1/chat/completions", &chat_body("Hej [[stub:429]]"));
    assert_eq!(code, 200);
    let (code, _, _) = stub.post("/v1/chat/completions", &chat_body("Hej [[stub:500:always]]"));
    assert_eq!(code, 500);
    assert_eq!(stub.stats()["injected_faults"], 2);
}

#[test]
fn fail_first_fails_the_first_requests_only() {
    let stub = StubLlm::start(&["--fail-first", "2", "--fail-with", "503"]);
    let codes: Vec<u16> = (0..3)
        .map(|_| stub.post("/v1/chat/completions", &chat_body("x")).0)
        .collect();
    assert_eq!(codes, [503, 503, 200]);
}

#[test]
fn streams_server_sent_events_and_serves_embeddings() {
    let stub = StubLlm::start(&[]);
    let mut body = chat_body("Skriv noget langt nok til flere stykker tekst");
    body["stream"] = json!(true);
    let (code, head, text) = stub.post("/v1/chat/completions", &body);
    assert_eq!(code, 200);
    assert!(head.contains("text/event-stream"), "{head}");
    assert!(
        text.contains("chat.completion.chunk") && text.contains("data: [DONE]"),
        "{text}"
    );

    let (code, _, text) = stub.post("/v1/embeddings", &json!({"model": "e", "input": ["a", "b"]}));
    assert_eq!(code, 200);
    let v: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(v["data"].as_array().map(Vec::len), Some(2));
    assert_eq!(v["data"][0]["embedding"].as_array().map(Vec::len), Some(8));
}

#[test]
fn api_key_is_enforced_when_set() {
    let stub = StubLlm::start(&["--api-key", "sk-test"]);
    let (code, _, _) = stub.post("/v1/chat/completions", &chat_body("Hej"));
    assert_eq!(code, 401);
    assert_eq!(stub.requests().len(), 0);
}
