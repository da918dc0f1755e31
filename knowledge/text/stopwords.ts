/**
 * English words that carry no meaning for retrieval, plus question filler ("how do I...").
 * Redis command names that look like English (get, set, del, type, keys) are deliberately absent.
 */
export const STOPWORDS: ReadonlySet<string> = new Set(
  `a about above after again against all also am an and any are as at be because been before being
   below between both but by can could did do does doing done down during each either etc few for from
   further had has have having he her here hers him his how i if in into is it its itself just me might
   more most must my myself no nor not now of off on once only or other our ours out over own please
   same she should so some such than that the their them then there these they this those through to
   too under until up us very was we were what whats when where which while who whom why will with
   would you your yours`
    .split(/\s+/)
    .filter(Boolean),
);
