// Sidebar order: intro first, then the guides category with setup before advanced.
module.exports = {
  docs: [
    'intro',
    {
      type: 'category',
      label: 'Guides',
      items: ['guides/setup', 'guides/advanced'],
    },
  ],
};
