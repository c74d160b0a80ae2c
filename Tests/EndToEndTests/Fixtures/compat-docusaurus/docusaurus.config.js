module.exports = { title: 'Docs' };
