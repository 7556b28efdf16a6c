package dev.baton.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.baton.domain.Artifact;
import dev.baton.domain.ArtifactCollection;
import java.io.IOException;
import java.util.Map;

/** Response bodies of {@code /api/artifacts}: Prefect's Artifact and ArtifactCollection. */
public final class ArtifactRender {
  private ArtifactRender() {}

  /** {@code {id, created, updated, key, type, description, data, metadata_, flow_run_id, task_run_id}}. */
  public static void artifact(JsonGenerator g, Artifact a) throws IOException {
    g.writeStartObject();
    Render.uuid(g, "id", a.id());
    Render.time(g, "created", a.created());
    Render.time(g, "updated", a.updated());
    Render.str(g, "key", a.key());
    content(g, a);
    g.writeEndObject();
  }

  /** The collection's id and times, its key, {@code latest_id}, then the latest version's fields. */
  public static void collection(JsonGenerator g, ArtifactCollection c) throws IOException {
    g.writeStartObject();
    Render.uuid(g, "id", c.id());
    Render.time(g, "created", c.created());
    Render.time(g, "updated", c.updated());
    Render.str(g, "key", c.latest().key());
    Render.uuid(g, "latest_id", c.latest().id());
    content(g, c.latest());
    g.writeEndObject();
  }

  private static void content(JsonGenerator g, Artifact a) throws IOException {
    Render.str(g, "type", a.type());
    Render.str(g, "description", a.description());
    Render.json(g, "data", a.data());
    g.writeFieldName("metadata_");
    Map<String, String> m = a.metadata();
    if (m == null) {
      g.writeNull();
    } else {
      g.writeStartObject();
      for (Map.Entry<String, String> e : m.entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    Render.uuid(g, "flow_run_id", a.flowRunId());
    Render.uuid(g, "task_run_id", a.taskRunId());
  }

  public static byte[] artifact(Artifact a) {
    return Render.bytes(g -> artifact(g, a));
  }
}
