package dev.baton.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.baton.domain.ConcurrencyLimitV2;
import dev.baton.domain.Deployment;
import dev.baton.domain.DeploymentSchedule;
import dev.baton.schedule.ScheduleJson;
import java.io.IOException;
import java.util.List;

/**
 * Prefect's DeploymentResponse and DeploymentSchedule, key for key. {@code concurrency_limit} is
 * always null (Prefect keeps it for old clients); the limit is {@code global_concurrency_limit}.
 */
public final class DeploymentRender {
  private DeploymentRender() {}

  /** @param limit the deployment's linked v2 limit, or null */
  public static void deployment(JsonGenerator g, Deployment d, ConcurrencyLimitV2 limit) throws IOException {
    g.writeStartObject();
    Render.uuid(g, "id", d.id());
    Render.time(g, "created", d.created());
    Render.time(g, "updated", d.updated());
    g.writeStringField("name", d.name());
    Render.str(g, "version", d.version());
    Render.str(g, "description", d.description());
    Render.uuid(g, "flow_id", d.flowId());
    g.writeBooleanField("paused", d.paused());
    g.writeFieldName("schedules");
    Render.list(g, d.schedules() == null ? List.of() : d.schedules(), DeploymentRender::schedule);
    g.writeFieldName("concurrency_limit");
    g.writeNull();
    g.writeFieldName("global_concurrency_limit");
    if (limit == null) {
      g.writeNull();
    } else {
      ConcurrencyRender.v2(g, limit);
    }
    Render.json(g, "concurrency_options", d.concurrencyOptions());
    Render.object(g, "job_variables", d.jobVariables());
    Render.object(g, "parameters", d.parameters());
    Render.strings(g, "tags", d.tags());
    Render.object(g, "labels", d.labels());
    Render.str(g, "work_queue_name", d.workQueueName());
    Render.uuid(g, "work_queue_id", d.workQueueId());
    Render.time(g, "last_polled", d.lastPolled());
    Render.json(g, "parameter_openapi_schema", d.parameterOpenapiSchema());
    Render.str(g, "path", d.path());
    Render.json(g, "pull_steps", d.pullSteps());
    Render.str(g, "entrypoint", d.entrypoint());
    Render.uuid(g, "storage_document_id", d.storageDocumentId());
    Render.uuid(g, "infrastructure_document_id", d.infrastructureDocumentId());
    Render.json(g, "created_by", d.createdBy());
    Render.json(g, "updated_by", d.updatedBy());
    Render.str(g, "work_pool_name", d.workPoolName());
    Render.str(g, "status", d.status() == null ? null : d.status().name());
    g.writeBooleanField("enforce_parameter_schema", d.enforceParameterSchema());
    g.writeEndObject();
  }

  public static byte[] deployment(Deployment d, ConcurrencyLimitV2 limit) {
    return Render.bytes(g -> deployment(g, d, limit));
  }

  /** {@code {id, created, updated, deployment_id, schedule, active, max_scheduled_runs, parameters, slug}}. */
  public static void schedule(JsonGenerator g, DeploymentSchedule s) throws IOException {
    g.writeStartObject();
    Render.uuid(g, "id", s.id());
    Render.time(g, "created", s.created());
    Render.time(g, "updated", s.updated());
    Render.uuid(g, "deployment_id", s.deploymentId());
    g.writeFieldName("schedule");
    g.writeTree(ScheduleJson.write(s.schedule()));
    g.writeBooleanField("active", s.active());
    Render.integer(g, "max_scheduled_runs", s.maxScheduledRuns());
    Render.object(g, "parameters", s.parameters());
    Render.str(g, "slug", s.slug());
    g.writeEndObject();
  }

  public static byte[] schedules(List<DeploymentSchedule> l) {
    return Render.list(l, DeploymentRender::schedule);
  }
}
