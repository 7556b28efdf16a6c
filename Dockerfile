# Baton: the self-contained jar on a JRE. Build: docker build -t baton .  (README.md, "Docker")

# ---- build stage: compile and package the jar ----
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
# the load generator's sources (bench/src/main/java) compile with the tests: -DskipTests skips
# running tests, not compiling them
COPY bench ./bench
RUN mvn -B -q package -DskipTests

# ---- run stage ----
# With BATON_DB_URL (postgresql://user:password@host:5432/db) Baton uses that server; without it,
# it runs its embedded PostgreSQL with the data in the volume /var/lib/baton.
FROM eclipse-temurin:17-jre
# a fixed uid/gid, so volume ownership and Kubernetes securityContext (runAsUser, fsGroup) can name it
RUN groupadd --system --gid 10001 baton \
 && useradd --system --uid 10001 --gid 10001 --home-dir /var/lib/baton --no-create-home \
      --shell /usr/sbin/nologin baton \
 && mkdir -p /var/lib/baton \
 && chown 10001:10001 /var/lib/baton \
 && chmod 0700 /var/lib/baton
WORKDIR /app
# the application files stay root-owned: the server writes only to /var/lib/baton and /tmp
# (where the embedded PostgreSQL's binaries are unpacked)
COPY --from=build /src/target/baton.jar /app/baton.jar
COPY conf /app/conf
ENV BATON_HTTP_HOST=0.0.0.0 \
    BATON_HTTP_PORT=4200 \
    BATON_DATA_DIR=/var/lib/baton/data
VOLUME ["/var/lib/baton"]
USER 10001:10001
EXPOSE 4200
# liveness, not readiness: Docker's reactions to "unhealthy" replace the container, which does not
# cure a database outage (GET /api/ready is for load balancers and readiness probes). The probe is a
# small JVM (about 0.5 s of CPU), hence the 30 s interval; the start period covers a first start's initdb.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["java", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx32m", "-cp", "/app/baton.jar", "dev.baton.HealthCheck"]
# exec form: java is PID 1 and receives SIGTERM itself (its shutdown hook stops PostgreSQL cleanly)
ENTRYPOINT ["java", "-XX:+UseG1GC", "-XX:MaxRAMPercentage=60", "-jar", "/app/baton.jar"]
