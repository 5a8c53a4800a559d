/// The OpenAPI 3.1 document of the reward service, served at `GET /openapi.json`.
public enum RewardOpenAPI {
    /// The document, as JSON text.
    public static let document = #"""
        {
          "openapi": "3.1.0",
          "info": {
            "title": "CollabBench reward service",
            "version": "1",
            "description": "The multiturn-aware reward (MR) of candidate responses, as `collabbench reward` computes it: for each candidate, S forward continuations of at most w exchanges with the simulated user and the policy, each scored as task metric + interactivity - min(lambda * tokens, 1) (or a weighted sum of named metrics); MR is their mean. Items and results have the shapes of the JSONL of `collabbench reward --in/--out`. Every call is recorded in the service's store."
          },
          "paths": {
            "/v1/reward": {
              "post": {
                "summary": "Rewards for a batch of items",
                "requestBody": {
                  "required": true,
                  "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RewardRequest"}}}
                },
                "responses": {
                  "200": {
                    "description": "One result per item, in the items' order",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/RewardResponse"}}}
                  },
                  "400": {"description": "A malformed body, or an item that cannot be scored (its index is given)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                  "413": {"description": "The body is larger than the limit, or the batch has more items than the service admits at once (--queue)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}},
                  "429": {
                    "description": "The queue is full; retry after the seconds in Retry-After",
                    "headers": {"Retry-After": {"schema": {"type": "integer", "minimum": 1}}},
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
                  },
                  "502": {"description": "The scorer failed as a service (a model server that cannot be used at all); one failing model call only marks its sample failed", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
                }
              }
            },
            "/healthz": {
              "get": {
                "summary": "Liveness",
                "responses": {"200": {"description": "The service runs", "content": {"application/json": {"schema": {"type": "object", "properties": {"status": {"const": "ok"}}}}}}}
              }
            }
          },
          "components": {
            "schemas": {
              "RewardRequest": {
                "type": "object",
                "required": ["items"],
                "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/RewardItem"}}}
              },
              "RewardItem": {
                "type": "object",
                "description": "One line of `collabbench reward --in`: a task (a pack and task id, or an inline task in the pack's task format), the history so far, and the candidate responses to score.",
                "required": ["id", "history", "candidates"],
                "properties": {
                  "id": {"type": "string"},
                  "pack": {"type": "string", "description": "A built-in pack (math, code, docs) or a pack folder"},
                  "task_id": {"type": "string"},
                  "task": {"type": "object", "description": "An inline task with its hidden intent and reference, instead of pack and task_id"},
                  "history": {"type": "array", "items": {"$ref": "#/components/schemas/Message"}},
                  "candidates": {"type": "array", "minItems": 1, "items": {"type": "string"}}
                }
              },
              "Message": {
                "type": "object",
                "required": ["role", "content"],
                "properties": {"role": {"enum": ["user", "assistant"]}, "content": {"type": "string"}}
              },
              "RewardResponse": {
                "type": "object",
                "required": ["results"],
                "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/RewardResult"}}}
              },
              "RewardResult": {
                "type": "object",
                "description": "One line of `collabbench reward --out`",
                "required": ["id", "rewards"],
                "properties": {
                  "id": {"type": "string"},
                  "rewards": {"type": "array", "description": "One per candidate, in the candidates' order", "items": {"$ref": "#/components/schemas/CandidateReward"}}
                }
              },
              "CandidateReward": {
                "type": "object",
                "required": ["mr", "std", "samples"],
                "properties": {
                  "mr": {"type": ["number", "null"], "description": "Mean reward over the samples that were scored; null when none was"},
                  "std": {"type": ["number", "null"]},
                  "samples": {"type": "array", "items": {"$ref": "#/components/schemas/RewardSample"}}
                },
                "additionalProperties": true
              },
              "RewardSample": {
                "type": "object",
                "description": "One forward continuation: its components and how it ended. A sample whose model call failed is marked failed; an unreadable judge reply leaves its interactivity null (unscored), never 0.",
                "additionalProperties": true
              },
              "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {"error": {"type": "string"}, "index": {"type": "integer", "description": "The item involved, when there is one"}}
              }
            }
          }
        }
        """#
}
