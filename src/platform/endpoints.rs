//! The Open WebUI endpoints aispec uses, on top of the retrying transport in [`super::client`].
//!
//! Never add a call to `/api/v1/models/sync`: it deletes every model missing from its payload.

use reqwest::Method;
use serde_json::{Value, json};

use super::client::{Body, Call, Client, LIST_RESTARTS, Repeat, is_not_found, seg};
use super::error::ApiError;
use super::feedback::{FeedbackPage, ModelUsage, ModelUsageList, RawFeedback};
use super::types::{
    Grant, Group, KnowledgeBase, KnowledgeFile, KnowledgeFilePage, KnowledgePage, LiveModel, ModelPage, UploadedFile,
};

impl Client {
    /// Every workspace model the key can see, all pages (`GET /api/v1/models/list?page=N`).
    pub async fn list_models(&self) -> Result<Vec<LiveModel>, ApiError> {
        self.list_all(|page| async move {
            let p: ModelPage = self
                .get(
                    "api/v1/models/list",
                    &[
                        ("page", &page.to_string()),
                        ("order_by", "created_at"),
                        ("direction", "asc"),
                    ],
                )
                .await?;
            Ok((p.items, p.total))
        })
        .await
    }

    /// Pages through a list; restarts when the total changed on the way, so no item is missed or doubled.
    async fn list_all<T, F, Fut>(&self, fetch: F) -> Result<Vec<T>, ApiError>
    where
        T: HasId,
        F: Fn(usize) -> Fut,
        Fut: std::future::Future<Output = Result<(Vec<T>, usize), ApiError>>,
    {
        let mut restarts = 0;
        loop {
            let (mut all, total) = fetch(1).await?;
            let mut stable = true;
            let mut page = 2;
            while all.len() < total {
                let (items, now) = fetch(page).await?;
                if now != total || items.is_empty() {
                    stable = false;
                    break;
                }
                all.extend(items);
                page += 1;
            }
            let mut ids: Vec<&str> = all.iter().map(HasId::id).collect();
            ids.sort_unstable();
            ids.dedup();
            if (stable && ids.len() == all.len()) || restarts >= LIST_RESTARTS {
                return Ok(all);
            }
            restarts += 1;
        }
    }

    /// One model, or `None` when it does not exist.
    pub async fn get_model(&self, id: &str) -> Result<Option<LiveModel>, ApiError> {
        match self.get("api/v1/models/model", &[("id", id)]).await {
            Ok(m) => Ok(Some(m)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /api/v1/models/create` with a full model form (grants included).
    pub async fn create_model(&self, form: &Value) -> Result<LiveModel, ApiError> {
        self.post("api/v1/models/create", form).await
    }

    /// `POST /api/v1/models/model/update`: replaces meta and params wholesale; grants are untouched.
    pub async fn update_model(&self, form: &Value) -> Result<LiveModel, ApiError> {
        self.post("api/v1/models/model/update", form).await
    }

    /// `POST /api/v1/models/model/access/update`: replaces the model's grants.
    pub async fn set_model_grants(&self, id: &str, grants: &[Grant]) -> Result<(), ApiError> {
        let _: Value = self
            .post(
                "api/v1/models/model/access/update",
                &json!({ "id": id, "access_grants": grants }),
            )
            .await?;
        Ok(())
    }

    /// `POST /api/v1/models/model/delete`; a model that is already gone counts as deleted.
    pub async fn delete_model(&self, id: &str) -> Result<(), ApiError> {
        match self
            .post::<Value>("api/v1/models/model/delete", &json!({ "id": id }))
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// `GET /api/models`: makes the server reload its model list so new specialists answer chats at once.
    pub async fn refresh_models(&self) -> Result<(), ApiError> {
        let _: Value = self.get("api/models", &[]).await?;
        Ok(())
    }

    /// Groups the key can share with (`GET /api/v1/groups/`; non-admins see the groups they belong to).
    pub async fn groups(&self) -> Result<Vec<Group>, ApiError> {
        self.get("api/v1/groups/", &[]).await
    }

    /// Every knowledge base the key can see, all pages.
    pub async fn list_knowledge(&self) -> Result<Vec<KnowledgeBase>, ApiError> {
        self.list_all(|page| async move {
            let p: KnowledgePage = self.get("api/v1/knowledge/", &[("page", &page.to_string())]).await?;
            Ok((p.items, p.total))
        })
        .await
    }

    /// One knowledge base, or `None` when it is gone.
    pub async fn get_knowledge(&self, id: &str) -> Result<Option<KnowledgeBase>, ApiError> {
        match self.get(&format!("api/v1/knowledge/{}", seg(id)), &[]).await {
            Ok(k) => Ok(Some(k)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Creates a knowledge base; not repeated after an ambiguous failure (that could make a second one).
    pub async fn create_knowledge(
        &self,
        name: &str,
        description: &str,
        grants: &[Grant],
    ) -> Result<KnowledgeBase, ApiError> {
        let body = json!({ "name": name, "description": description, "access_grants": grants });
        self.call(Call {
            method: Method::POST,
            path: "api/v1/knowledge/create",
            query: &[],
            body: Body::Json(&body),
            repeat: Repeat::OnlyIfUnsent,
        })
        .await
    }

    /// Replaces a knowledge base's grants.
    pub async fn set_knowledge_grants(&self, id: &str, grants: &[Grant]) -> Result<(), ApiError> {
        let _: Value = self
            .post(
                &format!("api/v1/knowledge/{}/access/update", seg(id)),
                &json!({ "access_grants": grants }),
            )
            .await?;
        Ok(())
    }

    /// Deletes a knowledge base and its files' index.
    pub async fn delete_knowledge(&self, id: &str) -> Result<(), ApiError> {
        let path = format!("api/v1/knowledge/{}/delete", seg(id));
        match self
            .call::<Value>(Call {
                method: Method::DELETE,
                path: &path,
                query: &[],
                body: Body::None,
                repeat: Repeat::Safe,
            })
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The files of a knowledge base, all pages.
    pub async fn knowledge_files(&self, id: &str) -> Result<Vec<KnowledgeFile>, ApiError> {
        let path = format!("api/v1/knowledge/{}/files", seg(id));
        let path = path.as_str();
        self.list_all(|page| async move {
            let p: KnowledgeFilePage = self.get(path, &[("page", &page.to_string())]).await?;
            Ok((p.items, p.total))
        })
        .await
    }

    /// Uploads a file and extracts its text now (not in the background), so it can be attached at once.
    pub async fn upload_file(&self, name: &str, bytes: &[u8], metadata: &Value) -> Result<UploadedFile, ApiError> {
        self.call(Call {
            method: Method::POST,
            path: "api/v1/files/",
            query: &[("process", "true"), ("process_in_background", "false")],
            body: Body::File { name, bytes, metadata },
            repeat: Repeat::OnlyIfUnsentSlow,
        })
        .await
    }

    /// Attaches an uploaded file to a knowledge base (the server extracts and indexes its text).
    pub async fn add_knowledge_file(&self, kb: &str, file_id: &str) -> Result<(), ApiError> {
        let body = json!({ "file_id": file_id });
        let _: Value = self
            .call(Call {
                method: Method::POST,
                path: &format!("api/v1/knowledge/{}/file/add", seg(kb)),
                query: &[],
                body: Body::Json(&body),
                repeat: Repeat::SafeSlow,
            })
            .await?;
        Ok(())
    }

    /// Renames a knowledge base or changes its description.
    pub async fn update_knowledge(&self, id: &str, name: &str, description: &str) -> Result<(), ApiError> {
        let _: Value = self
            .post(
                &format!("api/v1/knowledge/{}/update", seg(id)),
                &json!({ "name": name, "description": description }),
            )
            .await?;
        Ok(())
    }

    /// Detaches a file from a knowledge base and deletes it.
    pub async fn remove_knowledge_file(&self, kb: &str, file_id: &str) -> Result<(), ApiError> {
        match self
            .post::<Value>(
                &format!("api/v1/knowledge/{}/file/remove", seg(kb)),
                &json!({ "file_id": file_id }),
            )
            .await
        {
            Ok(_) => Ok(()),
            Err(e) if is_not_found(&e) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// The bytes of an uploaded file.
    pub async fn file_content(&self, file_id: &str) -> Result<Vec<u8>, ApiError> {
        self.send(Call {
            method: Method::GET,
            path: &format!("api/v1/files/{}/content", seg(file_id)),
            query: &[],
            body: Body::None,
            repeat: Repeat::Safe,
        })
        .await
    }
}

/// Items of a paged list, identified for the duplicate check.
trait HasId {
    fn id(&self) -> &str;
}

impl HasId for LiveModel {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for KnowledgeBase {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for KnowledgeFile {
    fn id(&self) -> &str {
        &self.id
    }
}

/// Users' ratings and usage (admin keys only).
impl Client {
    /// The ratings of one model given at or after `since` (seconds since the epoch), newest first; pages are
    /// read until they reach older ratings.
    pub async fn feedbacks_since(&self, model_id: &str, since: i64) -> Result<Vec<RawFeedback>, ApiError> {
        let mut out: Vec<RawFeedback> = Vec::new();
        for page in 1.. {
            let p: FeedbackPage = self
                .get(
                    "api/v1/evaluations/feedbacks/list",
                    &[
                        ("model_id", model_id),
                        ("order_by", "updated_at"),
                        ("direction", "desc"),
                        ("page", &page.to_string()),
                    ],
                )
                .await?;
            let count = p.items.len();
            // Sorted by last change, so once a page ends before `since` no later page can hold a newer rating.
            let older = p.items.last().is_some_and(|f| f.updated_at < since);
            out.extend(p.items.into_iter().filter(|f| f.created_at >= since));
            if count == 0 || older || page * super::client::PAGE_SIZE >= p.total {
                break;
            }
        }
        let mut seen = std::collections::BTreeSet::new();
        out.retain(|f| seen.insert(f.id.clone()));
        Ok(out)
    }

    /// One rating with the chat snapshot it was given in, or `None` when it is gone.
    pub async fn feedback(&self, id: &str) -> Result<Option<RawFeedback>, ApiError> {
        match self.get(&format!("api/v1/evaluations/feedback/{}", seg(id)), &[]).await {
            Ok(f) => Ok(Some(f)),
            Err(e) if is_not_found(&e) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Answers and distinct chats per model since `since` (seconds since the epoch).
    pub async fn model_usage(&self, since: i64) -> Result<Vec<ModelUsage>, ApiError> {
        let list: ModelUsageList = self
            .get("api/v1/analytics/models", &[("start_date", &since.to_string())])
            .await?;
        Ok(list.models)
    }
}
