// GraphiQL over this gateway's POST /graphql with the token the user pasted. The token is kept in
// sessionStorage (gone when the tab closes) and sent as `Authorization: Bearer`, so the explorer
// sees exactly what that consumer may see; introspection is on in development only.
'use strict';
(function () {
  const KEY = 'credit-graph.token';
  const input = document.getElementById('token');
  const status = document.getElementById('token-status');
  input.value = sessionStorage.getItem(KEY) || '';

  const fetcher = GraphiQL.createFetcher({
    url: '/graphql',
    // read at each request: a token pasted later applies to the next query
    fetch: (url, init) => {
      const token = sessionStorage.getItem(KEY);
      const headers = Object.assign({}, init && init.headers, token ? { authorization: 'Bearer ' + token } : {});
      return fetch(url, Object.assign({}, init, { headers }));
    },
  });

  const root = ReactDOM.createRoot(document.getElementById('graphiql'));
  let generation = 0;
  function render() {
    // a new key remounts GraphiQL, so the schema is introspected again with the new token
    root.render(React.createElement(GraphiQL, {
      key: generation++,
      fetcher,
      defaultQuery: '# Paste a token above (npm run --silent token -- --role government), then:\n' +
        '{\n  subject(uscc: "91110101MAAL0CXK0M") {\n    kind\n    region { name }\n    registration { name status }\n  }\n}\n',
    }));
  }

  document.getElementById('token-bar').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY, input.value.trim());
    status.textContent = 'token set for this tab';
    render();
  });
  render();
})();
