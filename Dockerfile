# Build stage: compile and package the self-contained jar.
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
RUN mvn -B -q dependency:go-offline
COPY src ./src
RUN mvn -B -q package -DskipTests

# Run stage: an external PostgreSQL is given with BATON_DB_URL (postgresql://user:pass@host:5432/db).
FROM eclipse-temurin:17-jre
WORKDIR /app
COPY --from=build /src/target/baton.jar /app/baton.jar
COPY conf /app/conf
RUN useradd --system --home /app baton && chown -R baton /app
USER baton
ENV BATON_HTTP_HOST=0.0.0.0 BATON_HTTP_PORT=4200
EXPOSE 4200
HEALTHCHECK --interval=10s --timeout=3s CMD ["sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/4200"]
ENTRYPOINT ["java", "-XX:+UseG1GC", "-XX:MaxRAMPercentage=60", "-jar", "/app/baton.jar"]
