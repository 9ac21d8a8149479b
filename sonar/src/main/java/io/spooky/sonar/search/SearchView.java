package io.spooky.sonar.search;

import io.spooky.sonar.SonarException;
import io.spooky.sonar.collection.InvalidQueryException;
import io.spooky.sonar.record.BlockAddress;
import io.spooky.sonar.record.MalformedAddressException;
import io.spooky.sonar.record.RecordVersion;
import io.spooky.sonar.schema.FieldSpec;
import io.spooky.sonar.schema.Schema;
import io.spooky.sonar.schema.TypeSpec;
import io.spooky.sonar.view.View;
import io.spooky.sonar.view.ViewContext;
import io.spooky.sonar.view.ViewFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.facet.FacetResult;
import org.apache.lucene.facet.FacetsCollectorManager;
import org.apache.lucene.facet.FacetsConfig;
import org.apache.lucene.facet.LabelAndValue;
import org.apache.lucene.facet.sortedset.DefaultSortedSetDocValuesReaderState;
import org.apache.lucene.facet.sortedset.SortedSetDocValuesFacetCounts;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.Term;
import org.apache.lucene.index.Terms;
import org.apache.lucene.index.TermsEnum;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;
import org.apache.lucene.search.TotalHits;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code search} view: a Lucene full-text index of the current versions of a collection's
 * records (see {@link SearchDocuments} for what is indexed), answering {@link #search}.
 *
 * <p>Register it for every collection with {@code new SonarOptions(List.of(SearchView.factory()),
 * true)} and reach it with {@code collection.view(SearchView.NAME, SearchView.class)}.
 *
 * <p>Maintenance follows the {@link View} contract: the cursor (last lseq applied) is stored in the
 * user data of each Lucene commit, so after a crash the index and its cursor are those of the last
 * commit and the log is replayed from there (documents are written by key, so replay is
 * idempotent). A version's links delete the documents of the versions it supersedes; several
 * concurrent heads are all indexed. Changes become searchable when a daemon thread refreshes the
 * searcher (every {@code refresh}, 50 ms by default) and durable when it commits (every {@code
 * commit}, 1 s by default, and on close).
 *
 * <p>Thread-safe: {@link #search} runs concurrently with {@link #apply}, which the collection
 * serializes with {@link #reset}.
 */
public final class SearchView implements View {
  /** The view's name in its collection. */
  public static final String NAME = "search";

  private static final Logger LOG = LoggerFactory.getLogger(SearchView.class);
  private static final String CURSOR = "cursor";
  private static final int PENDING_LIMIT = 50_000;
  private static final int FACET_TOP = 100;

  private final ViewContext context;
  private final Analyzer analyzer = new EnglishAnalyzer();
  private final FacetsConfig facetsConfig = new FacetsConfig();
  private final Directory directory;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final ScheduledExecutorService timer;
  // Serializes apply, reset and commit, so a commit always holds whole batches and their cursor.
  private final Object writeLock = new Object();
  // Markers written since the searcher was last refreshed under writeLock (see superseded()).
  private final Set<String> pendingMarkers = new HashSet<>();
  private volatile long cursor;
  private long committed;
  private volatile FacetState facetState;

  private record FacetState(IndexSearcher searcher, DefaultSortedSetDocValuesReaderState state) {}

  SearchView(ViewContext context, Duration refresh, Duration commit) {
    this.context = context;
    Directory opened = null;
    IndexWriter created = null;
    try {
      Path dir = context.directory(NAME);
      Files.createDirectories(dir);
      opened = FSDirectory.open(dir);
      this.directory = opened;
      IndexWriterConfig cfg = new IndexWriterConfig(analyzer);
      cfg.setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND);
      cfg.setCommitOnClose(false);
      created = new IndexWriter(directory, cfg);
      this.writer = created;
      long c = 0;
      Iterable<Map.Entry<String, String>> data = writer.getLiveCommitData();
      if (data != null) {
        for (Map.Entry<String, String> e : data) {
          if (e.getKey().equals(CURSOR)) {
            c = Long.parseLong(e.getValue());
          }
        }
      }
      this.cursor = c;
      this.committed = c;
      this.searchers = new SearcherManager(writer, null);
    } catch (IOException | RuntimeException e) {
      // Closing the writer releases the index's write lock, so a later open can succeed.
      IOUtils.closeWhileHandlingException(created, opened);
      throw e instanceof IOException io ? new UncheckedIOException(io) : (RuntimeException) e;
    }
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "sonar-search-" + context.collectionName());
              t.setDaemon(true);
              return t;
            });
    long refreshMs = Math.max(1, refresh.toMillis());
    timer.scheduleWithFixedDelay(this::refreshQuietly, refreshMs, refreshMs, TimeUnit.MILLISECONDS);
    long commitMs = Math.max(1, commit.toMillis());
    timer.scheduleWithFixedDelay(this::commitQuietly, commitMs, commitMs, TimeUnit.MILLISECONDS);
    LOG.info("event=search_view_opened collection={} cursor={}", context.collectionName(), cursor);
  }

  /** Creates a search view per collection: refresh every 50 ms, commit every second. */
  public static ViewFactory factory() {
    return factory(Duration.ofMillis(50), Duration.ofSeconds(1));
  }

  /** Creates a search view per collection with the given refresh and commit intervals. */
  public static ViewFactory factory(Duration refresh, Duration commit) {
    return ctx -> new SearchView(ctx, refresh, commit);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public int version() {
    return 1;
  }

  @Override
  public long cursor() {
    return cursor;
  }

  @Override
  public void apply(List<RecordVersion> records, long upTo) {
    synchronized (writeLock) {
      try {
        Schema schema = context.schema();
        for (RecordVersion v : records) {
          applyOne(v, schema);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      cursor = upTo;
    }
  }

  private void applyOne(RecordVersion v, Schema schema) throws IOException {
    if (superseded(v.address())) {
      return;
    }
    for (String link : v.record().links()) {
      try {
        BlockAddress.parse(link);
      } catch (MalformedAddressException e) {
        continue;
      }
      writer.deleteDocuments(new Term(SearchDocuments.ADDR, link));
      writer.updateDocument(
          new Term(SearchDocuments.SUPERSEDED, link), SearchDocuments.marker(link));
      pendingMarkers.add(link);
    }
    Document d = v.record().deleted() ? null : SearchDocuments.record(v, schema, facetsConfig);
    if (d != null) {
      writer.updateDocument(new Term(SearchDocuments.ADDR, v.address()), d);
    }
    if (pendingMarkers.size() > PENDING_LIMIT) {
      searchers.maybeRefreshBlocking();
      pendingMarkers.clear();
    }
  }

  /**
   * Whether an applied version links to {@code address}. A marker is either pending or older than
   * the last blocking refresh under the write lock, so the current searcher holds it.
   */
  private boolean superseded(String address) throws IOException {
    if (pendingMarkers.contains(address)) {
      return true;
    }
    IndexSearcher s = searchers.acquire();
    try {
      BytesRef term = new BytesRef(address);
      for (LeafReaderContext leaf : s.getIndexReader().leaves()) {
        Terms terms = leaf.reader().terms(SearchDocuments.SUPERSEDED);
        if (terms != null) {
          TermsEnum te = terms.iterator();
          if (te.seekExact(term)) {
            return true;
          }
        }
      }
      return false;
    } finally {
      searchers.release(s);
    }
  }

  @Override
  public void reset() {
    synchronized (writeLock) {
      try {
        writer.deleteAll();
        cursor = 0;
        commitLocked();
        searchers.maybeRefreshBlocking();
        pendingMarkers.clear();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** Makes every applied batch searchable now (the timer does it within one refresh interval). */
  public void refresh() {
    try {
      searchers.maybeRefreshBlocking();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void refreshQuietly() {
    try {
      searchers.maybeRefresh();
    } catch (IOException | RuntimeException e) {
      if (writer.isOpen()) {
        LOG.warn(
            "event=search_refresh_failed collection={} error=\"{}\"",
            context.collectionName(),
            e.toString());
      }
    }
  }

  private void commitQuietly() {
    try {
      synchronized (writeLock) {
        if (writer.isOpen()) {
          commitLocked();
        }
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn(
          "event=search_commit_failed collection={} error=\"{}\"",
          context.collectionName(),
          e.toString());
    }
  }

  private void commitLocked() throws IOException {
    if (cursor == committed && !writer.hasUncommittedChanges()) {
      return;
    }
    writer.setLiveCommitData(Map.of(CURSOR, Long.toString(cursor)).entrySet());
    writer.commit();
    committed = cursor;
  }

  /**
   * Runs a search over the current versions; throws {@code InvalidQueryException} for bad input.
   */
  public SearchResult search(SearchRequest request) {
    Set<String> facetFields = facetFields();
    for (String f : request.facets()) {
      if (!facetFields.contains(f)) {
        throw new InvalidQueryException(
            "'" + f + "' is not a facet field (facet fields: " + facetFields + ")");
      }
    }
    Query query = new QueryTranslator(analyzer, facetFields).translate(request.query());
    Query filtered =
        new BooleanQuery.Builder()
            .add(query, Occur.MUST)
            .add(
                new TermQuery(new Term(SearchDocuments.KIND, SearchDocuments.RECORD)), Occur.FILTER)
            .build();
    IndexSearcher s;
    try {
      s = searchers.acquire();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try {
      FacetsCollectorManager.FacetsResult r =
          FacetsCollectorManager.search(s, filtered, request.limit(), new FacetsCollectorManager());
      TopDocs top = r.topDocs();
      long total =
          top.totalHits.relation() == TotalHits.Relation.EQUAL_TO
              ? top.totalHits.value()
              : s.count(filtered);
      List<SearchHit> hits = hits(s, query, top);
      Map<String, List<FacetCount>> facets = new LinkedHashMap<>();
      if (!request.facets().isEmpty()) {
        DefaultSortedSetDocValuesReaderState state = facetState(s);
        SortedSetDocValuesFacetCounts counts =
            state == null ? null : new SortedSetDocValuesFacetCounts(state, r.facetsCollector());
        for (String f : request.facets()) {
          facets.put(f, counts == null ? List.of() : counts(counts, f));
        }
      }
      return new SearchResult(hits, total, facets);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (IndexSearcher.TooManyClauses e) {
      throw new InvalidQueryException("query expands to too many clauses");
    } finally {
      try {
        searchers.release(s);
      } catch (IOException e) {
        LOG.warn("event=search_release_failed error=\"{}\"", e.toString());
      }
    }
  }

  private List<SearchHit> hits(IndexSearcher s, Query query, TopDocs top) throws IOException {
    String[] fields = {SearchDocuments.TITLE, SearchDocuments.BODY};
    Map<String, String[]> snippets =
        top.scoreDocs.length == 0
            ? Map.of()
            : UnifiedHighlighter.builder(s, analyzer).build().highlightFields(fields, query, top);
    List<SearchHit> out = new ArrayList<>(top.scoreDocs.length);
    var stored = s.storedFields();
    for (int i = 0; i < top.scoreDocs.length; i++) {
      ScoreDoc sd = top.scoreDocs[i];
      Document d = stored.document(sd.doc, Set.of(SearchDocuments.LSEQ));
      RecordVersion v = context.load(d.getField(SearchDocuments.LSEQ).numericValue().longValue());
      if (v == null) {
        continue;
      }
      out.add(new SearchHit(v, sd.score, snippet(snippets, fields, i)));
    }
    return out;
  }

  /** The first highlighted snippet among the fields, else the first non-empty one. */
  private static String snippet(Map<String, String[]> snippets, String[] fields, int i) {
    String fallback = null;
    for (String f : fields) {
      String[] a = snippets.get(f);
      String s = a == null ? null : a[i];
      if (s != null && s.contains("<b>")) {
        return s;
      }
      if (fallback == null && s != null && !s.isEmpty()) {
        fallback = s;
      }
    }
    return fallback;
  }

  private DefaultSortedSetDocValuesReaderState facetState(IndexSearcher s) throws IOException {
    FacetState cached = facetState;
    if (cached != null && cached.searcher() == s) {
      return cached.state();
    }
    DefaultSortedSetDocValuesReaderState state;
    try {
      state = new DefaultSortedSetDocValuesReaderState(s.getIndexReader(), facetsConfig);
    } catch (IllegalArgumentException e) {
      // No document of this reader has a facet yet.
      return null;
    }
    facetState = new FacetState(s, state);
    return state;
  }

  private static List<FacetCount> counts(SortedSetDocValuesFacetCounts counts, String dim)
      throws IOException {
    FacetResult fr;
    try {
      fr = counts.getTopChildren(FACET_TOP, dim);
    } catch (IllegalArgumentException e) {
      // The dimension has no value in this reader.
      return List.of();
    }
    if (fr == null) {
      return List.of();
    }
    List<FacetCount> out = new ArrayList<>();
    for (LabelAndValue lv : fr.labelValues) {
      out.add(new FacetCount(lv.label, lv.value.longValue()));
    }
    out.sort(
        Comparator.comparingLong(FacetCount::count).reversed().thenComparing(FacetCount::value));
    return out;
  }

  /** Names of the fields declared with search mode {@code facet} in any type of the collection. */
  private Set<String> facetFields() {
    Schema schema = context.schema();
    Set<String> out = new TreeSet<>();
    for (TypeSpec t : schema.types()) {
      for (FieldSpec f : schema.fields(t).values()) {
        if (SearchDocuments.FACET_MODE.equals(f.searchMode())) {
          out.add(f.name());
        }
      }
    }
    return out;
  }

  @Override
  public void close() {
    // Not shutdownNow: interrupting a commit closes its NIO channels and fails the writer.
    timer.shutdown();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (writeLock) {
      try {
        commitLocked();
        searchers.close();
        writer.close();
        directory.close();
      } catch (IOException e) {
        throw new SonarException("closing the search index failed", e);
      }
    }
    LOG.info("event=search_view_closed collection={} cursor={}", context.collectionName(), cursor);
  }
}
