package dev.srlstream.actor;

import dev.srlstream.schemas.Health;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Supplier;

/**
 * The operations endpoint of an actor process, on 127.0.0.1 only:
 *
 * <ul>
 *   <li>{@code GET /health}: the status as JSON ({@code live}, {@code ready}, the newest version
 *       seen, the version lag, and per instance its partitions, version, groups in flight and pause
 *       state); 200 when ready, 503 when not, with the {@code reason};
 *   <li>{@code GET /health/live}: 200 while the process is live (no instance failed, not stopping),
 *       else 503;
 *   <li>{@code GET /health/ready}: 200 when ready (live, the cluster answering, every policy
 *       loaded, partitions assigned), else 503;
 *   <li>{@code GET /metrics}: the process's registry in the Prometheus text format (0.0.4).
 * </ul>
 */
final class OpsServer {
  private OpsServer() {}

  /** Binds 127.0.0.1:{@code port} (0: a free port). */
  static Future<HttpServer> start(
      Vertx vertx, int port, Supplier<ActorStatus> status, PrometheusMeterRegistry registry) {
    Router router = Router.router(vertx);
    router
        .get("/health")
        .handler(
            ctx -> {
              ActorStatus now = status.get();
              answer(ctx, now.ready(), health(now));
            });
    router
        .get("/health/live")
        .handler(
            ctx ->
                answer(
                    ctx, status.get().live(), new JsonObject().put("live", status.get().live())));
    router
        .get("/health/ready")
        .handler(
            ctx -> {
              Health health = status.get().health();
              answer(
                  ctx,
                  health.ready(),
                  reason(new JsonObject().put("ready", health.ready()), health));
            });
    router
        .get("/metrics")
        .handler(
            ctx ->
                ctx.response()
                    .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                    .end(registry.scrape()));
    return vertx.createHttpServer().requestHandler(router).listen(port, "127.0.0.1");
  }

  private static void answer(RoutingContext ctx, boolean ok, JsonObject body) {
    ctx.response()
        .setStatusCode(ok ? 200 : 503)
        .putHeader("Content-Type", "application/json")
        .end(body.encode());
  }

  static JsonObject health(ActorStatus status) {
    JsonArray instances = new JsonArray();
    for (InstanceStatus i : status.instances()) {
      instances.add(
          new JsonObject()
              .put("actor_id", i.actorId())
              .put("ready", i.ready())
              .put("assigned", new JsonArray(i.assigned()))
              .put("policy_loaded", i.policyLoaded())
              .put("policy_version", i.policyVersion())
              .put("newest_version_seen", i.newestVersionSeen())
              .put("groups_in_flight", i.groupsInFlight())
              .put("tasks_waiting", i.tasksWaiting())
              .put("paused", i.paused())
              .put("stale", i.stale())
              .put("held_back", i.heldBack())
              .put("stopping", i.stopping())
              .put("failed", i.failed()));
    }
    Health health = status.health();
    JsonObject json = new JsonObject().put("live", status.live()).put("ready", health.ready());
    return reason(json, health)
        .put("broker_reachable", status.brokerReachable())
        .put("newest_version_seen", status.newestVersionSeen())
        .put("version_lag", status.versionLag())
        .put("instances", instances);
  }

  private static JsonObject reason(JsonObject json, Health health) {
    return health.ready() ? json : json.put("reason", health.reason());
  }
}
