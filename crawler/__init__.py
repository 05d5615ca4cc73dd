"""The crawler stage: sources → polite, incremental fetching → nlp.records.Page.

Public API (see docs/CRAWLING.md):
    crawler.options.CrawlOptions          everything a crawl needs to know
    crawler.sources                       Source, load_sources, select, shard, adhoc
    crawler.runner.run_crawl / PageSink   one crawl per process, pages to the caller's sink
    crawler.runner.check_sources          fetch each source once: OK or why not
    crawler.summary.CrawlSummary/Progress what a crawl did, and the live status line
It never imports scamscope (the app shell).
"""
