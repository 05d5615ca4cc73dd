"""Spiders: one spider (news.NewsSpider) crawls every kind of source, so that
per-site politeness (concurrency, delays, robots.txt) holds across sources.

feeds, sitemaps and listings are the parsers of the discovery documents; they
work on bytes/HTML and return Links, so they are tested without a crawl.
"""
