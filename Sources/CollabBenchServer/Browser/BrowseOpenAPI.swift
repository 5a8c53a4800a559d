/// The OpenAPI 3.1 document of the results browser's JSON API, served at `/api/openapi.json`.
/// Hand-written: it lists exactly the routes ``BrowseAPIRoutes`` registers, with their parameters.
public enum BrowseOpenAPI {
    /// The API paths, as the document names them.
    public static let paths = [
        "/api/runs", "/api/runs/{id}", "/api/runs/{id}/conversations", "/api/conversations/{id}", "/api/leaderboards", "/api/compare",
        "/api/openapi.json",
    ]

    /// The document (JSON text).
    public static let document = """
        {
          "openapi": "3.1.0",
          "info": {
            "title": "CollabBench results browser API",
            "version": "1",
            "description": "Read-only JSON over a CollabBench store (collabbench serve). Errors are {\\"error\\": text}: 404 for an unknown id, 400 for an unusable query value (the text names the parameter)."
          },
          "paths": {
            "/api/runs": {
              "get": {
                "summary": "Every run with its figures (status, configuration, conversations, failures, mean task metric, cost, quality counts), oldest first.",
                "operationId": "listRuns",
                "responses": { "200": { "description": "The runs.", "content": { "application/json": { "schema": {
                  "type": "object", "required": ["runs"],
                  "properties": { "runs": { "type": "array", "items": { "$ref": "#/components/schemas/RunOverview" } } } } } } } }
              }
            },
            "/api/runs/{id}": {
              "get": {
                "summary": "One run: its figures and its stored configuration.",
                "operationId": "getRun",
                "parameters": [ { "$ref": "#/components/parameters/RunID" } ],
                "responses": {
                  "200": { "description": "The run.", "content": { "application/json": { "schema": {
                    "type": "object", "required": ["overview", "configJSON", "collabbenchVersion"],
                    "properties": {
                      "overview": { "$ref": "#/components/schemas/RunOverview" },
                      "configJSON": { "type": "string" },
                      "collabbenchVersion": { "type": "string" } } } } } },
                  "404": { "$ref": "#/components/responses/NotFound" }
                }
              }
            },
            "/api/runs/{id}/conversations": {
              "get": {
                "summary": "One page of a run's conversations, sorted and filtered.",
                "operationId": "listConversations",
                "parameters": [
                  { "$ref": "#/components/parameters/RunID" },
                  { "name": "offset", "in": "query", "schema": { "type": "integer", "minimum": 0, "default": 0 } },
                  { "name": "limit", "in": "query", "description": "Rows per page; values above 500 are capped at 500.", "schema": { "type": "integer", "minimum": 1, "default": 50 } },
                  { "name": "sort", "in": "query", "schema": { "type": "string", "enum": ["id", "task", "score", "cost", "exchanges", "status"], "default": "id" } },
                  { "name": "order", "in": "query", "schema": { "type": "string", "enum": ["asc", "desc"], "default": "asc" } },
                  { "name": "status", "in": "query", "schema": { "type": "string", "enum": ["completed", "failed"] } },
                  { "name": "failure", "in": "query", "description": "none: no failure; any: failed; other text: the failure contains it (case-insensitive).", "schema": { "type": "string" } },
                  { "name": "min_score", "in": "query", "description": "Task metric at least this (0 to 1 for accuracy, pass rate and BLEU).", "schema": { "type": "number" } },
                  { "name": "max_score", "in": "query", "schema": { "type": "number" } },
                  { "name": "persona", "in": "query", "description": "The simulated user's persona id (runs with --personas).", "schema": { "type": "string" } },
                  { "name": "gate", "in": "query", "description": "Flagged or not by the simulator gate (runs with --simulator-gate).", "schema": { "type": "string", "enum": ["flagged", "unflagged"] } }
                ],
                "responses": {
                  "200": { "description": "The page.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ConversationPage" } } } },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "404": { "$ref": "#/components/responses/NotFound" }
                }
              }
            },
            "/api/conversations/{id}": {
              "get": {
                "summary": "One conversation: its row, every score, every turn (tokens, latency, cost, the simulator's hidden thought, the raw reply) and the judge's calls.",
                "operationId": "getConversation",
                "parameters": [ { "name": "id", "in": "path", "required": true, "schema": { "type": "integer" } } ],
                "responses": {
                  "200": { "description": "The conversation.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ConversationDetail" } } } },
                  "404": { "$ref": "#/components/responses/NotFound" }
                }
              }
            },
            "/api/leaderboards": {
              "get": {
                "summary": "The leaderboards per pack and evaluation profile with bootstrap intervals (as collabbench leaderboard), computed in the background: the last computed board is answered at once, with stale true while a newer one is computed after the store changed.",
                "operationId": "getLeaderboards",
                "responses": { "200": { "description": "The report: boards (pack, kind, metric, profile, differences, rows), level, resamples, seed, runProfiles.", "content": { "application/json": { "schema": {
                  "type": "object", "required": ["boards", "level", "resamples", "seed", "runProfiles", "computedAt", "stale"],
                  "properties": {
                    "boards": { "type": "array", "items": { "type": "object", "required": ["pack", "kind", "metric", "profile", "differences", "rows"] } },
                    "level": { "type": "number" }, "resamples": { "type": "integer" }, "seed": { "type": "string" },
                    "runProfiles": { "type": "object", "additionalProperties": { "type": "string" } },
                    "computedAt": { "type": "string", "format": "date-time", "description": "When this board was computed (UTC)." },
                    "stale": { "type": "boolean", "description": "The store changed after this board was computed; a newer board is being computed (reload for it)." } } } } } } }
              }
            },
            "/api/compare": {
              "get": {
                "summary": "Two runs compared (as collabbench compare): per metric the paired difference with its interval and p-value, and the tasks that changed.",
                "operationId": "compareRuns",
                "parameters": [
                  { "name": "a", "in": "query", "required": true, "description": "Run id, name or single-run tag.", "schema": { "type": "string" } },
                  { "name": "b", "in": "query", "required": true, "schema": { "type": "string" } }
                ],
                "responses": {
                  "200": { "description": "The comparison.", "content": { "application/json": { "schema": {
                    "type": "object", "required": ["runA", "runB", "metrics", "sharedTasks"] } } } },
                  "400": { "$ref": "#/components/responses/BadRequest" },
                  "404": { "$ref": "#/components/responses/NotFound" }
                }
              }
            },
            "/api/openapi.json": {
              "get": {
                "summary": "This document.",
                "operationId": "getOpenAPI",
                "responses": { "200": { "description": "The OpenAPI document.", "content": { "application/json": { "schema": { "type": "object" } } } } }
              }
            }
          },
          "components": {
            "parameters": {
              "RunID": { "name": "id", "in": "path", "required": true, "description": "The run's id.", "schema": { "type": "string" } }
            },
            "responses": {
              "NotFound": { "description": "No such run or conversation.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } },
              "BadRequest": { "description": "A query value that cannot be used; the text names the parameter.", "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } }
            },
            "schemas": {
              "Error": { "type": "object", "required": ["error"], "properties": { "error": { "type": "string" } } },
              "RunOverview": {
                "type": "object",
                "required": ["id", "name", "status", "createdAt", "pack", "packVersion", "packKind", "agent", "agentPreset", "userSimulator", "judge", "seed", "taskCount", "configHash", "conversations", "failed", "metric", "scored", "unpricedCalls", "quality"],
                "properties": {
                  "id": { "type": "string" }, "name": { "type": "string" }, "status": { "type": "string" },
                  "createdAt": { "type": "string" }, "finishedAt": { "type": "string" },
                  "pack": { "type": "string" }, "packVersion": { "type": "string" }, "packKind": { "type": "string" },
                  "agent": { "type": "string" }, "agentPreset": { "type": "string" }, "userSimulator": { "type": "string" }, "judge": { "type": "string" },
                  "seed": { "type": "integer" }, "taskCount": { "type": "integer" }, "configHash": { "type": "string" },
                  "conversations": { "type": "integer" }, "failed": { "type": "integer" }, "metric": { "type": "string" },
                  "meanScore": { "type": "number" }, "scored": { "type": "integer" },
                  "costUSD": { "type": "number" }, "unpricedCalls": { "type": "integer" },
                  "quality": { "type": "object", "required": ["userMessages", "userFormatErrors", "judgeCalls", "judgeUnreadable"],
                    "properties": { "userMessages": { "type": "integer" }, "userFormatErrors": { "type": "integer" }, "judgeCalls": { "type": "integer" }, "judgeUnreadable": { "type": "integer" } } }
                }
              },
              "ConversationSummary": {
                "type": "object",
                "required": ["id", "runID", "taskID", "trial", "status", "endReason", "exchanges", "unpricedCalls", "startedAt", "finishedAt"],
                "properties": {
                  "id": { "type": "integer" }, "runID": { "type": "string" }, "taskID": { "type": "string" }, "trial": { "type": "integer" },
                  "status": { "type": "string", "enum": ["completed", "failed"] }, "endReason": { "type": "string" }, "exchanges": { "type": "integer" },
                  "failure": { "type": "string" }, "score": { "type": "number" }, "scoreStatus": { "type": "string" },
                  "costUSD": { "type": "number" }, "unpricedCalls": { "type": "integer" },
                  "persona": { "type": "string" }, "gate": { "type": "string" },
                  "startedAt": { "type": "string" }, "finishedAt": { "type": "string" }
                }
              },
              "ConversationPage": {
                "type": "object", "required": ["total", "offset", "limit", "metric", "conversations"],
                "properties": {
                  "total": { "type": "integer", "description": "Rows the filter matches over all pages." },
                  "offset": { "type": "integer" }, "limit": { "type": "integer" }, "metric": { "type": "string" },
                  "conversations": { "type": "array", "items": { "$ref": "#/components/schemas/ConversationSummary" } }
                }
              },
              "ConversationDetail": {
                "type": "object", "required": ["summary", "seed", "scores", "turns", "judgeCalls", "gateReasons"],
                "properties": {
                  "summary": { "$ref": "#/components/schemas/ConversationSummary" },
                  "seed": { "type": "integer" },
                  "scores": { "type": "array", "items": { "type": "object", "required": ["metric", "status", "method"],
                    "properties": { "metric": { "type": "string" }, "value": { "type": "number" }, "status": { "type": "string" }, "method": { "type": "string" }, "detail": { "type": "string" } } } },
                  "turns": { "type": "array", "items": { "type": "object", "required": ["index", "role", "text", "model", "rawReply", "formatError", "latencyMs", "attempts"],
                    "properties": {
                      "index": { "type": "integer" }, "role": { "type": "string" }, "text": { "type": "string" }, "tokens": { "type": "integer" },
                      "model": { "type": "string" }, "rawReply": { "type": "string" }, "thought": { "type": "string" }, "formatError": { "type": "boolean" },
                      "promptTokens": { "type": "integer" }, "completionTokens": { "type": "integer" }, "latencyMs": { "type": "number" },
                      "attempts": { "type": "integer" }, "finishReason": { "type": "string" }, "costUSD": { "type": "number" } } } },
                  "judgeCalls": { "type": "array", "items": { "type": "object", "required": ["criterion", "attempt", "model", "rawReply", "readable", "latencyMs"],
                    "properties": {
                      "criterion": { "type": "string" }, "attempt": { "type": "integer" }, "model": { "type": "string" }, "rawReply": { "type": "string" },
                      "readable": { "type": "boolean" }, "latencyMs": { "type": "number" }, "costUSD": { "type": "number" } } } },
                  "gateReasons": { "type": "array", "items": { "type": "string" } }
                }
              }
            }
          }
        }
        """
}
