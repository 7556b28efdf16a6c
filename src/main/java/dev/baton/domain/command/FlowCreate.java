package dev.baton.domain.command;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** {@code POST /api/flows/} body. */
public record FlowCreate(String name, List<String> tags, ObjectNode labels) {}
