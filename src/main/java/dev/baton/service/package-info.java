/**
 * The commands behind the resource routes: each class owns one kind of thing (flows, flow runs,
 * task runs, logs, flow run inputs, variables, deployments) and is the only place its SQL,
 * transactions and filter translation are reached from. They take and return domain records,
 * filter objects and plain values — never HTTP or JSON text — so the HTTP routes stay thin
 * adapters (decode, call, render). Expected failures are {@link
 * dev.baton.orchestration.api.OrchestrationException}s (NOT_FOUND, CONFLICT, INVALID_INPUT), as
 * from {@link dev.baton.orchestration.commands.ApiService}, which serves what the event bus shares with HTTP.
 */
package dev.baton.service;
