package dev.baton.service;

import java.util.List;

/** One page of a filtered list and how many rows the filter matches in all. */
public record Page<T>(List<T> items, long count) {}
