package dev.baton; public class Main { public static void main(String[] a){} }
