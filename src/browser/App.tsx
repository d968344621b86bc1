export function App() {
  return (
    <main data-testid="app">
      <h1>uffd-playground</h1>
    </main>
  );
}
