/** The knowledge base as the rest of the app sees it: search runbooks, read one. */

export interface KnowledgeHit {
  docId: string;
  title: string;
  category: string;
  heading: string;
  snippet: string;
  score: number;
}

export interface KnowledgeDocument {
  id: string;
  title: string;
  category: string;
  severity?: string;
  tags: string[];
  body: string;
}

export interface KnowledgeBase {
  search(query: string, options?: { limit?: number; category?: string }): Promise<KnowledgeHit[]>;
  getDocument(id: string): Promise<KnowledgeDocument | undefined>;
}
